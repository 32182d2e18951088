"""The health project in a real Chromium: the ARS reads and downloads it; the manager submits a
new version and the ARS comments on it."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_project(demo_accounts):
    from projet_sante.project.demo import seed_health_project

    seed_health_project(demo_accounts)
    return demo_accounts


def _pdf_text(path) -> str:
    from pypdf import PdfReader

    data = Path(path).read_bytes()
    assert data.startswith(b"%PDF-")
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def test_the_ars_reads_the_project_and_downloads_its_pdf_and_the_quarterly_report(
    demo_project, page, sign_in
):
    from projet_sante.indicators.demo import seed_indicators
    from projet_sante.indicators.periods import previous_quarter
    from referrals.demo import seed_referrals

    seed_referrals(demo_project)
    seed_indicators()
    quarter = previous_quarter()
    sign_in("ars@demo.example.org", settings.ESS_DEMO_PASSWORD)
    page.menu("Projet de santé")
    expect(page.get_by_role("heading", name="Projet de santé — version v1")).to_be_visible()
    expect(page.locator(".badge", has_text="Validée").first).to_be_visible()
    expect(page.get_by_text("Validée par")).to_be_visible()
    expect(page.get_by_role("heading", name="1. Diagnostic territorial")).to_be_visible()
    expect(page.get_by_text("Diagnostic clair.")).to_be_visible()  # its own comment on v1
    # The draft v2 is the managers' until it is submitted.
    assert page.get_by_role("link", name="v2", exact=True).count() == 0

    with page.expect_download() as download:
        page.get_by_role("button", name="Télécharger le PDF").click()
    assert download.value.suggested_filename == f"projet-de-sante-v1-{quarter.key}.pdf"
    text = _pdf_text(download.value.path())
    assert "Projet de santé" in text
    assert "Sommaire" in text
    assert "Diagnostic territorial" in text
    assert f"Indicateurs du {quarter.label}" in text
    assert "Séances de consultation avancée tenues" in text
    assert "Page 1 sur" not in text  # the cover carries no footer
    assert "Page 2 sur" in text

    # The quarterly report, from the same page: the last closed quarter is proposed.
    assert page.get_by_label("Trimestre").input_value() == quarter.key
    with page.expect_download() as download:
        page.get_by_role("button", name="Télécharger le rapport d'activité (PDF)").click()
    assert download.value.suggested_filename == f"rapport-activite-{quarter.key}.pdf"
    text = _pdf_text(download.value.path())
    assert "Rapport d'activité trimestriel" in text
    assert quarter.label in text
    assert "Consultations avancées" in text


def test_the_manager_submits_v2_and_the_ars_comments_a_section(
    demo_project, page, sign_in, sign_out
):
    sign_in("direction@demo.example.org", settings.ESS_DEMO_PASSWORD)
    page.menu("Projet de santé")
    page.get_by_role("link", name="v2", exact=True).click()
    expect(page.get_by_role("heading", name="Projet de santé — version v2")).to_be_visible()
    # The action tables have room for every column: nothing to scroll to, "Modifier" whole.
    tables = page.locator("#missions-actions .table-responsive")
    assert tables.count() > 0
    for i in range(tables.count()):
        table = tables.nth(i)
        assert table.evaluate("el => el.scrollWidth <= el.clientWidth"), f"table {i} overflows"
    edit = page.locator("#missions-actions td a", has_text="Modifier").first
    assert edit.evaluate("el => el.getBoundingClientRect().width >= el.scrollWidth")
    page.get_by_role("link", name="Modifier — Organisation et gouvernance").click()
    field = page.get_by_label("Texte (Markdown)")
    field.fill(field.input_value() + "\n\n## Nouveau\n\nUn **référent qualité** est désigné.")
    page.get_by_role("button", name="Aperçu").click()
    # The preview arrives by htmx: wait for it (an immediate is_visible() races the request).
    page.locator("#preview strong", has_text="référent qualité").wait_for(timeout=5000)
    page.follow(page.get_by_role("button", name="Enregistrer"))
    expect(page.get_by_text("Section « Organisation et gouvernance » enregistrée.")).to_be_visible()
    page.get_by_role("link", name="Comparer avec v1").click()
    expect(page.get_by_text("Un **référent qualité** est désigné.")).to_be_visible()
    page.go_back()
    page.follow(page.get_by_role("button", name="Soumettre à l'ARS et à la CPAM"))
    expect(page.get_by_text("Version soumise à l'ARS et à la CPAM.")).to_be_visible()

    sign_out()
    sign_in("ars@demo.example.org", settings.ESS_DEMO_PASSWORD)
    page.menu("Projet de santé")
    page.get_by_role("link", name="v2", exact=True).click()
    page.get_by_label("Porte sur").select_option(label="Organisation et gouvernance")
    page.get_by_label("Commentaire").fill("Qui est le référent qualité ?")
    page.follow(page.get_by_role("button", name="Commenter"))
    expect(page.get_by_text("Commentaire enregistré.")).to_be_visible()
    section = page.locator("#section-governance")
    expect(section.get_by_text("Qui est le référent qualité ?")).to_be_visible()
    page.get_by_label("Ce qui doit être revu").fill("Nommer le référent qualité.")
    page.follow(page.get_by_role("button", name="Demander une révision"))
    expect(page.locator(".alert-warning", has_text="Nommer le référent qualité.")).to_be_visible()
    page.screenshot(path="/tmp/s7b_page.png", full_page=False)
