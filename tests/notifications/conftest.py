from tests.referrals.conftest import cardiology, form_data  # noqa: F401 -- shared fixtures
