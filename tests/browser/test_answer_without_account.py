"""A caller without an account: the coordination records their phone request, a specialist
answers, and the caller reads the answer through the link emailed to them once they give their
RPPS number."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from ess.models import OutboundEmail
from tests.browser.referral_form import fill_patient, take_and_answer, triage_to_the_cardiologist
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
    page.follow(page.get_by_role("button", name="Enregistrer la demande"))
    expect(page.get_by_text("l'accusé de réception part au demandeur")).to_be_visible()
    reference = re.search(r"ESS-\d{4}-\d{6}", page.get_by_role("heading", level=1).inner_text())[0]
    ack = OutboundEmail.objects.get(to=CALLER)
    assert "Ce qui va se passer" in ack.body_text and "lien personnel" in ack.body_text

    triage_to_the_cardiologist(page, reference)
    sign_out()

    sign_in("cardiologue@demo.example.org", PASSWORD)
    take_and_answer(page, reference, ANSWER)
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
