"""The health project's two signatures in a real Chromium: the ARS validates a submitted version,
which is not validated while the CPAM has not signed; the CPAM signs, the version is validated
and the PDF's cover shows both signatures with their dates."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def submitted_v2(demo_accounts):
    """The demo's health project (v1 validated), and v2 submitted by the manager."""
    from projet_sante.project import services as ps
    from projet_sante.project.demo import seed_health_project
    from projet_sante.project.models import ProjectVersion

    seed_health_project(demo_accounts)
    v2 = ProjectVersion.objects.get(number=2)
    ps.version_submit(version_id=v2.pk, by=demo_accounts["direction"])
    return v2


def _today() -> str:
    from django.utils import timezone, translation
    from django.utils.formats import date_format

    with translation.override("fr"):
        return date_format(timezone.localdate(), "j F Y")


def _open_v2(page):
    page.menu("Projet de santé")
    page.get_by_role("link", name="v2", exact=True).click()
    expect(page.get_by_role("heading", name="Projet de santé — version v2")).to_be_visible()


def test_the_ars_then_the_cpam_sign_and_the_pdf_cover_shows_both(
    submitted_v2, page, sign_in, sign_out
):
    from pypdf import PdfReader

    today = _today()
    sign_in("ars@demo.example.org", settings.ESS_DEMO_PASSWORD)
    _open_v2(page)
    page.follow(page.get_by_role("button", name="Valider cette version"))
    # One signature: the version is still submitted, and says so.
    expect(page.get_by_text("Signature enregistrée.")).to_be_visible()
    signatures = page.locator("#signatures")
    expect(signatures).to_contain_text(f"Signée par l'ARS le {today}, en attente de la CPAM")
    expect(signatures).to_contain_text("La version n'est pas encore validée")
    expect(signatures).to_contain_text(f"ARS : signée par Isabelle Petit le {today}")
    expect(signatures).to_contain_text("CPAM : pas encore signée")
    expect(page.locator(".badge", has_text="Soumise").first).to_be_visible()
    assert page.get_by_role("button", name="Valider cette version").count() == 0
    submitted_v2.refresh_from_db()
    assert submitted_v2.status == "submitted"

    sign_out()
    sign_in("cpam@demo.example.org", settings.ESS_DEMO_PASSWORD)
    expect(page.get_by_text(f"Signée par l'ARS le {today}, en attente de la CPAM")).to_be_visible()
    _open_v2(page)
    expect(page.locator("#signatures")).to_contain_text("ARS : signée par Isabelle Petit")
    page.follow(page.get_by_role("button", name="Valider cette version"))
    expect(page.get_by_text("Version validée par l'ARS et la CPAM")).to_be_visible()
    expect(page.locator(".badge", has_text="Validée").first).to_be_visible()
    signatures = page.locator("#signatures")
    expect(signatures).to_contain_text(f"ARS : signée par Isabelle Petit le {today}")
    expect(signatures).to_contain_text(f"CPAM : signée par Julien Garnier le {today}")
    submitted_v2.refresh_from_db()
    assert submitted_v2.status == "validated"

    with page.expect_download() as download:
        page.get_by_role("button", name="Télécharger le PDF").click()
    data = Path(download.value.path()).read_bytes()
    assert data.startswith(b"%PDF-")
    cover = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert "Version 2 — Validée" in cover
    assert f"ARS : Isabelle Petit, le {today}" in cover
    assert f"CPAM : Julien Garnier, le {today}" in cover
