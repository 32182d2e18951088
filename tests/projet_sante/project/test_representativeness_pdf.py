"""The health project's PDF carries the representativeness section: liberal members against the
territory, the target line and the projection."""

from datetime import date, datetime

import pytest

from ess.models import Departement, Team
from members.models import SpecialtyHeadcount
from projet_sante.indicators.periods import quarter_period
from projet_sante.project.pdf import render_project_pdf
from tests.factories import MembershipFactory, cardiology
from tests.projet_sante.indicators.data import PARIS
from tests.projet_sante.indicators.test_event_figures import pdf_text

pytestmark = pytest.mark.django_db


def test_the_project_pdf_shows_representativeness_against_its_target(project_draft, territory):
    team, _ = Team.objects.get_or_create(pk=1, defaults={"name": "ESS", "short_name": "ESS"})
    team.labelled_on = date(2025, 1, 15)
    team.save()
    team.departements.add(Departement.objects.get(code="45"))
    SpecialtyHeadcount.objects.create(specialty=cardiology(), territory_count=10)
    for mode in ("liberal", "liberal", "liberal", "mixte"):
        MembershipFactory(
            active=True, practice_mode=mode, joined_at=datetime(2025, 3, 1, tzinfo=PARIS)
        )

    text = pdf_text(render_project_pdf(project_draft, quarter_period(2026, 1)))

    assert "Représentativité et territoire" in text
    assert "Représentativité : 30,0 % (3 membres en exercice libéral)" in text
    assert "Objectif applicable : 10 %" in text
    # 30 % at the end of every quarter since 2025 T1, after 0 %: the 50 % target is projected.
    assert "Objectif de 50 % : au rythme actuel, objectif atteint vers" in text
