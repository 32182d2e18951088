from tests.referrals.conftest import api_body, cardiology  # noqa: F401 -- shared fixtures
