from django.db import transaction

from ess.db import insert_unless_conflict
from ess.models import Specialty


def test_an_insert_yields_to_the_row_already_there(db):
    first = Specialty(code="angiologie", label="Angiologie")
    again = Specialty(code="angiologie", label="Autre libellé")

    assert insert_unless_conflict(first) is True
    assert first.pk is not None and not first._state.adding
    with transaction.atomic():
        assert insert_unless_conflict(again) is False
        assert again.pk is None
        # the transaction is still usable
        assert Specialty.objects.get(code="angiologie").label == "Angiologie"
