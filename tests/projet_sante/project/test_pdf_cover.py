"""The health project's PDF cover carries the association's legal identity."""

import pytest

from association.services import legal_identity_update
from projet_sante.project.pdf import render_project_pdf
from tests.projet_sante.indicators.test_report_cover import cover_text, flat

pytestmark = pytest.mark.django_db


def test_health_project_cover_shows_the_legal_identity(project_manager, project_validated):
    legal_identity_update(
        by=project_manager,
        rna="W451234567",
        siret="73282932000074",
        seat_address="12 rue Jeanne d'Arc\n45000 Orléans",
        signatory_name="Dr Claire Moreau",
        signatory_function="présidente",
    )
    text = flat(cover_text(render_project_pdf(project_validated)))
    assert "RNA W451234567" in text
    assert "SIRET 732 829 320 00074" in text
    assert "Signataire : Dr Claire Moreau, présidente" in text
