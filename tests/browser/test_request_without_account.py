"""A professional without an account sends a request, follows the emailed link, and the request
reaches the coordination's queue only then."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from ess.models import OutboundEmail
from tests.browser.referral_form import fill_patient
from tests.factories import DirectoryEntryFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = settings.ESS_DEMO_PASSWORD
EMAIL = "dr.aubrac@exemple.fr"


def test_a_request_without_account_reaches_the_queue_once_confirmed(demo_accounts, page, sign_in):
    gp = DirectoryEntryFactory(last_name="AUBRAC", first_name="Julien")
    page.goto(page.base_url + "/demandes/sans-compte/")
    page.get_by_label("Numéro RPPS").fill(gp.identifier)
    page.get_by_label("Votre adresse électronique").fill(EMAIL)
    fill_patient(page)
    page.get_by_label("Question clinique").fill("Souffle systolique découvert : avis ?")
    page.get_by_label(re.compile("Le patient a été informé")).check()
    page.get_by_label(re.compile("J'accepte que mon identité professionnelle")).check()
    page.get_by_role("button", name="Recevoir le lien de confirmation").click()

    expect(page.get_by_role("heading", name="Confirmez votre demande")).to_be_visible()
    expect(page.get_by_text(f"Un lien vient d'être envoyé à {EMAIL}")).to_be_visible()
    email = OutboundEmail.objects.get(to=EMAIL)
    reference = re.search(r"ESS-\d{4}-\d{6}", email.subject).group(0)
    path = re.search(r"/demandes/sans-compte/confirmer/\S+/", email.body_text).group(0)

    # Not in the queue yet.
    coordination = page.context.browser.new_context(locale="fr-FR", timezone_id="Europe/Paris")
    queue = coordination.new_page()
    queue.goto(page.base_url + "/accounts/login/")
    queue.get_by_label("Courriel").fill("coordination@demo.example.org")
    queue.get_by_label("Mot de passe").fill(PASSWORD)
    queue.get_by_role("button", name="Se connecter").click()
    queue.goto(page.base_url + "/regulation/?vue=toutes")
    expect(queue.get_by_role("heading", name="Régulation des demandes")).to_be_visible()
    expect(queue.get_by_role("link", name=reference)).to_have_count(0)

    page.goto(page.base_url + path)
    page.get_by_role("button", name="Confirmer l'envoi à l'ESS").click()
    expect(page.get_by_role("heading", name="Demande transmise à l'ESS")).to_be_visible()
    expect(page.get_by_text(f"la demande {reference} est transmise")).to_be_visible()

    queue.goto(page.base_url + "/regulation/?vue=toutes")
    expect(queue.get_by_role("link", name=reference)).to_be_visible()
    coordination.close()
