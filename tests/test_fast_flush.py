"""The flush after a transactional test (tests/fast_flush.py) keeps the reference tables while
they hold what was loaded, and empties them, to be loaded again, once a test changed them."""

import pytest
from django.core.management.color import no_style
from django.db import connection

from ess.models import Commune, Specialty
from tests.fast_flush import reference_emptied

pytestmark = pytest.mark.postgres


def flushed_tables() -> str:
    tables = connection.introspection.django_table_names(only_existing=True)
    return " ".join(connection.ops.sql_flush(no_style(), tables))


@pytest.mark.django_db(transaction=True)
def test_a_flush_keeps_the_reference_tables_unless_a_test_changed_them(postgres):
    assert Commune.objects.filter(code="75056").exists()  # the whole country, as migrated
    assert '"ess_commune"' not in flushed_tables() and not reference_emptied()
    assert '"referrals_referral"' in flushed_tables()

    specialty = Specialty.objects.order_by("pk").first()
    Specialty.objects.filter(pk=specialty.pk).update(label="Libellé changé par un test")
    try:
        flushed = flushed_tables()
        assert '"ess_commune"' in flushed and '"ess_specialty"' in flushed
        assert reference_emptied()
    finally:
        Specialty.objects.filter(pk=specialty.pk).update(label=specialty.label)

    assert '"ess_commune"' not in flushed_tables() and not reference_emptied()
