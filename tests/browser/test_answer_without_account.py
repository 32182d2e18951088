"""A caller without an account: the coordination records their phone request, a specialist
answers, and the caller reads the answer through the link emailed to them once they give their
RPPS number."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from ess.models import OutboundEmail
from tests.browser.referral_form import fill_patient
from tests.factories import DirectoryEntryFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = settings.ESS_DEMO_PASSWORD
CALLER = "dr.berthelin@exemple.fr"
ANSWER = "Souffle fonctionnel : pas d'échographie, réévaluer dans un an."


def test_a_phone_caller_without_account_reads_the_answer_from_the_emailed_link(
    demo_accounts, page, sign_in, sign_out
):
    caller = DirectoryEntryFactory(last_name="BERTHELIN", first_name="Claire")

    # The coordination records the call.
    sign_in("coordination@demo.example.org", PASSWORD)
    page.goto(page.base_url + "/regulation/saisie/")
    expect(page.get_by_label("Téléphone", exact=True)).to_be_checked()
    page.get_by_label("Numéro RPPS").fill(caller.identifier)
    page.get_by_label("Adresse électronique du demandeur non inscrit").fill(CALLER)
    fill_patient(page)
    page.get_by_label("Question clinique").fill("Souffle systolique découvert : avis ?")
    page.get_by_label(re.compile("Le patient a été informé")).check()
    page.get_by_role("button", name="Enregistrer la demande").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_text("l'accusé de réception part au demandeur")).to_be_visible()
    reference = re.search(r"ESS-\d{4}-\d{6}", page.get_by_role("heading", level=1).inner_text())[0]
    ack = OutboundEmail.objects.get(to=CALLER)
    assert "Ce qui va se passer" in ack.body_text and "lien personnel" in ack.body_text

    triage = page.get_by_role("heading", name="Régulation", exact=True).locator("..")
    triage.get_by_label("Priorité").select_option("P2")
    triage.get_by_label("Mode de réponse").select_option("teleexpertise_async")
    assign = triage.get_by_label("Confier à")
    assign.select_option(
        assign.locator("option", has_text="Dr Antoine Dubois").get_attribute("value")
    )
    triage.get_by_role("button", name="Réguler").click()
    expect(page.get_by_text(f"Demande {reference} régulée.")).to_be_visible()
    sign_out()

    # The specialist answers.
    sign_in("cardiologue@demo.example.org", PASSWORD)
    page.get_by_role("link", name="Mes dossiers").first.click()
    page.get_by_role("row").filter(has_text=reference).get_by_role(
        "button", name="Prendre en charge"
    ).click()
    page.wait_for_load_state("networkidle")
    page.get_by_label("Avis / compte rendu").fill(ANSWER)
    page.get_by_role("button", name="Envoyer la réponse").click()
    expect(page.get_by_text("Réponse enregistrée")).to_be_visible()
    sign_out()

    # The caller opens the link of the email: nothing shows before the RPPS.
    email = OutboundEmail.objects.get(to=CALLER, subject__contains="Réponse disponible")
    assert "Souffle fonctionnel" not in email.body_text
    path = re.search(r"/demandes/sans-compte/reponse/\S+/", email.body_text)[0]
    page.goto(page.base_url + path)
    expect(page.get_by_role("heading", name="Lire la réponse de l'ESS")).to_be_visible()
    expect(page.get_by_text("Souffle fonctionnel")).to_have_count(0)
    page.get_by_label("Votre numéro RPPS (ou ADELI)").fill("10003456789")
    page.get_by_role("button", name="Afficher la réponse").click()
    expect(page.get_by_text("Ce numéro ne correspond pas au professionnel")).to_be_visible()
    expect(page.get_by_text("Souffle fonctionnel")).to_have_count(0)

    page.get_by_label("Votre numéro RPPS (ou ADELI)").fill(caller.identifier)
    page.get_by_role("button", name="Afficher la réponse").click()

    expect(page.get_by_role("heading", name=f"Réponse à la demande {reference}")).to_be_visible()
    answer = page.get_by_role("heading", name="Réponse du spécialiste").locator("..")
    expect(answer.get_by_text(ANSWER)).to_be_visible()
    expect(answer.get_by_text("Dr Antoine Dubois")).to_be_visible()
    expect(page.get_by_role("link", name="Ouvrir mon compte")).to_be_visible()
