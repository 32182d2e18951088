import pytest

from ess.models import Specialty, Team


@pytest.fixture
def cardiology(db, territory):
    specialty, _ = Specialty.objects.get_or_create(
        code="cardiologie", defaults={"label": "Cardiologie"}
    )
    team, _ = Team.objects.get_or_create(pk=1, defaults={"name": "ESS test", "short_name": "ESS"})
    team.specialties.add(specialty)
    return specialty
