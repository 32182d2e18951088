import pytest
from django.utils import timezone

from ess.demo import seed_team
from projet_sante.newsletter.models import Newsletter
from tests.factories import cardiology


@pytest.fixture
def team(territory):
    """The demo's ESS: cardiology in the Loiret, with its presentation and opening hours."""
    cardiology()
    return seed_team()


def sent_letter(year: int, quarter: int) -> Newsletter:
    now = timezone.now()
    return Newsletter.objects.create(
        year=year, quarter=quarter, status="sent", sending_started_at=now, sent_at=now
    )
