"""A professional unknown to the platform registers with their RPPS number, follows the emailed
link, signs in and sends a request: in a real Chromium."""

import re

import pytest
from playwright.sync_api import expect

from ess.models import OutboundEmail
from members.services.directory_import import SAMPLE_FILE, directory_import
from tests.browser.test_referral_journeys import submit_referral

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "louis.cormery@exemple.fr"
PASSWORD = "Pithiviers-cardio-2026"


def test_a_gp_registers_by_rpps_then_sends_a_request(
    demo_accounts, page, sign_in, settings, tmp_path
):
    directory_import(path=SAMPLE_FILE)
    settings.ESS_BASE_URL = page.base_url  # the emailed link leads to this server

    page.goto(page.base_url + "/inscription/")
    page.get_by_label("Numéro RPPS ou ADELI").fill("19945000024")
    page.get_by_label("Adresse électronique professionnelle").fill(EMAIL)
    page.get_by_role("button", name="Vérifier mon numéro").click()

    identity = page.get_by_role("region", name="Louis CORMERY")
    expect(identity.get_by_text("Cabinet du Mail")).to_be_visible()
    expect(identity.get_by_text("Médecine générale")).to_be_visible()
    expect(page.get_by_text("votre compte sera ouvert dès que vous aurez suivi")).to_be_visible()
    page.get_by_role("button", name="C'est bien moi : recevoir le lien").click()
    expect(page.get_by_role("heading", name="Consultez votre messagerie")).to_be_visible()

    email = OutboundEmail.objects.get(to=EMAIL)
    link = re.search(r"https?://\S+/inscription/confirmer/\S+/", email.body_text).group(0)
    page.goto(link)
    expect(page.get_by_text("Bienvenue Louis CORMERY")).to_be_visible()
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_label("Confirmation du mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_text("Votre compte est ouvert")).to_be_visible()

    sign_in(EMAIL, PASSWORD)
    reference = submit_referral(page, tmp_path, question="Palpitations à l'effort : avis ?")

    expect(page.get_by_role("heading", name=f"Demande {reference}")).to_be_visible()
