"""Users' journeys through the single window, in a real Chromium."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.browser.referral_form import fill_patient
from tests.referrals.conftest import PDF_BYTES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = settings.ESS_DEMO_PASSWORD


def submit_referral(page, tmp_path: Path, *, question: str) -> str:
    """As the signed-in GP, fill the form with an attachment; return the new reference."""
    ecg = tmp_path / "ecg-repos.pdf"
    ecg.write_bytes(PDF_BYTES)
    page.get_by_role("link", name="Nouvelle demande").first.click()
    fill_patient(page)
    page.get_by_label("Question clinique").fill(question)
    page.get_by_label("Contexte").fill("HTA, diabète de type 2. ECG de repos joint.")
    page.get_by_label("Rapide : dans les 48 heures").check()
    page.get_by_label("Pièces jointes").set_input_files(str(ecg))
    page.get_by_label(re.compile("Le patient a été informé")).check()
    page.get_by_role("button", name="Envoyer la demande").click()
    page.wait_for_load_state("networkidle")
    banner = page.get_by_role("status").first.inner_text()
    return re.search(r"ESS-\d{4}-\d{6}", banner).group(0)


def test_a_gp_submits_a_referral_and_follows_it(demo_accounts, page, sign_in, tmp_path):
    sign_in("medecin@demo.example.org", PASSWORD)

    reference = submit_referral(page, tmp_path, question="Dyspnée d'effort récente : avis ?")

    expect(page.get_by_role("heading", name=f"Demande {reference}")).to_be_visible()
    expect(page.get_by_role("link", name="ecg-repos.pdf")).to_be_visible()
    page.get_by_role("link", name="Mes demandes").first.click()  # the menu's, before the home's
    row = page.get_by_role("row").filter(has_text=reference)
    expect(row.get_by_text("Reçue")).to_be_visible()
    expect(row.get_by_text("LAMBERT Paul")).to_be_visible()
    row.get_by_role("link", name=reference).click()
    timeline = page.get_by_role("heading", name="Historique").locator("..")
    expect(timeline.get_by_text("passée à « Reçue »")).to_be_visible()


def test_the_closed_loop_from_gp_to_specialist_and_back(
    demo_accounts, page, sign_in, sign_out, tmp_path
):
    sign_in("medecin@demo.example.org", PASSWORD)
    reference = submit_referral(page, tmp_path, question="Souffle systolique découvert : avis ?")
    sign_out()

    sign_in("coordination@demo.example.org", PASSWORD)
    page.get_by_role("link", name="Régulation").first.click()  # the menu's, before the home's
    page.get_by_role("link", name=reference).click()
    triage = page.get_by_role("heading", name="Régulation", exact=True).locator("..")
    triage.get_by_label("Priorité").select_option("P2")
    triage.get_by_label("Mode de réponse").select_option("teleexpertise_async")
    assign = triage.get_by_label("Confier à")
    assign.select_option(
        assign.locator("option", has_text="Dr Antoine Dubois").get_attribute("value")
    )
    triage.get_by_role("button", name="Réguler").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_text(f"Demande {reference} régulée.")).to_be_visible()
    sign_out()

    sign_in("cardiologue@demo.example.org", PASSWORD)
    page.get_by_role("link", name="Mes dossiers").first.click()  # the menu's, before the home's
    page.get_by_role("row").filter(has_text=reference).get_by_role(
        "button", name="Prendre en charge"
    ).click()
    page.wait_for_load_state("networkidle")
    page.get_by_label("Avis / compte rendu").fill("Souffle fonctionnel, pas d'échographie.")
    page.get_by_label("Conduite à tenir recommandée").fill("Réévaluer dans un an.")
    page.get_by_role("button", name="Envoyer la réponse").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_text("Réponse enregistrée")).to_be_visible()
    sign_out()

    sign_in("medecin@demo.example.org", PASSWORD)
    page.get_by_role("link", name="Mes demandes").first.click()  # the menu's, before the home's
    row = page.get_by_role("row").filter(has_text=reference)
    expect(row.get_by_text("Terminée")).to_be_visible()
    row.get_by_role("link", name=reference).click()
    answer = page.get_by_role("heading", name="Réponse du spécialiste").locator("..")
    expect(answer.get_by_text("Souffle fonctionnel, pas d'échographie.")).to_be_visible()
    expect(answer.get_by_text("Réévaluer dans un an.")).to_be_visible()
    page.get_by_role("group", name=re.compile("utile")).get_by_label("Oui").check()
    page.get_by_role("group", name=re.compile("évité")).get_by_label("Oui").check()
    page.get_by_role("button", name="Envoyer", exact=True).click()
    expect(page.get_by_text("Merci pour votre retour.")).to_be_visible()
