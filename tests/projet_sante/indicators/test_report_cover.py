"""The covers of the reports sent to the ARS/CPAM carry the association's legal identity."""

import io

import pytest
from pypdf import PdfReader

from association.services import legal_identity_update
from projet_sante.indicators.periods import previous_quarter
from projet_sante.indicators.reports import render_quarterly_report

pytestmark = pytest.mark.django_db


def cover_text(pdf: bytes) -> str:
    return PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def identity(manager):
    return legal_identity_update(
        by=manager,
        rna="W451234567",
        siret="73282932000074",
        seat_address="12 rue Jeanne d'Arc\n45000 Orléans",
        signatory_name="Dr Claire Moreau",
        signatory_function="présidente",
    )


def test_quarterly_report_cover_shows_the_legal_identity(identity):
    text = flat(cover_text(render_quarterly_report(previous_quarter().key)))
    assert "RNA W451234567" in text
    assert "SIRET 732 829 320 00074" in text
    assert "Siège : 12 rue Jeanne d'Arc, 45000 Orléans" in text
    assert "Signataire : Dr Claire Moreau, présidente" in text
    assert "non renseignée" not in text


def test_cover_says_when_the_legal_identity_is_not_recorded(db):
    text = flat(cover_text(render_quarterly_report(previous_quarter().key)))
    assert "Identité juridique non renseignée" in text
    assert "SIRET" not in text.replace("(RNA, SIRET, siège, signataire)", "")


def test_cover_shows_only_what_is_recorded(manager):
    legal_identity_update(by=manager, rna="W451234567")
    text = flat(cover_text(render_quarterly_report(previous_quarter().key)))
    assert "RNA W451234567" in text
    assert "Signataire" not in text
    assert "non renseignée" not in text
