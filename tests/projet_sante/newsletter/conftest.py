import pytest

from projet_sante.newsletter import services
from tests.factories import UserFactory


@pytest.fixture
def draft(db):
    letter = services.newsletter_draft(year=2026, quarter=2)
    letter.progress = "Deux nouvelles consultations avancées ouvrent à Gien."
    letter.save(update_fields=["progress"])
    return letter


@pytest.fixture
def members(db):
    """Who a letter goes to among users: active specialists and paramedics, nobody else."""
    return [
        UserFactory(specialist=True, email="cardio@exemple.fr"),
        UserFactory(paramedic=True, email="ipa@exemple.fr"),
        UserFactory(roles=["specialist", "manager"], email="direction@exemple.fr"),
    ]


def recipients(outbox) -> list[str]:
    return sorted(address for message in outbox for address in message.to)
