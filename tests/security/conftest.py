import pytest

# The referral form's valid fields come from the referral tests' fixtures.
from tests.referrals.conftest import cardiology, form_data  # noqa: F401 (fixtures)
from tests.security.upload_entry_points import World


@pytest.fixture
def world(db, client_for, api_client, form_data):  # noqa: F811 (the imported fixture)
    from django.conf import settings

    return World(client_for, api_client, form_data, settings)
