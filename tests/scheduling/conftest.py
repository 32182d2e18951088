import pytest

from tests.factories import cardiology_offered


@pytest.fixture
def cardiology(db, territory):
    return cardiology_offered()
