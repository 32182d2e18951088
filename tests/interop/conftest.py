import pytest

from tests.factories import cardiology_offered


@pytest.fixture
def cardiology(db):
    return cardiology_offered()
