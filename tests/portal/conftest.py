import pytest
from django.utils import timezone

from ess.models import Departement, Team
from projet_sante.newsletter.models import Newsletter
from tests.factories import cardiology


@pytest.fixture
def team(territory):
    team = Team.objects.create(
        pk=1,
        name="ESS Cardiologie du Loiret",
        short_name="ESS Cardio 45",
        email="contact@ess.example.org",
        phone="02 38 00 00 00",
        address="1 rue de la République, 45000 Orléans",
        presentation="Des cardiologues libéraux au service du Loiret.",
        opening_hours="Du lundi au vendredi, de 8 h 30 à 18 h 30",
    )
    team.specialties.add(cardiology())
    team.departements.add(Departement.objects.get(code="45"))
    return team


def sent_letter(year: int, quarter: int) -> Newsletter:
    now = timezone.now()
    return Newsletter.objects.create(
        year=year, quarter=quarter, status="sent", sending_started_at=now, sent_at=now
    )
