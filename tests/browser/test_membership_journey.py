"""A specialist joins the ESS, in a real Chromium: apply, validation, activation, directory."""

import re
import time

import pytest
from django.conf import settings
from playwright.sync_api import expect

from ess.models import OutboundEmail
from tests.browser.referral_form import choose_commune
from tests.factories import current_totp_code, valid_rpps

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = settings.ESS_DEMO_PASSWORD
EMAIL = "lea.moreau@exemple.fr"


def test_a_new_specialist_applies_is_validated_and_appears_in_the_directory(
    demo_accounts, page, sign_in, sign_out
):
    page.goto(page.base_url + "/adhesion/")
    page.get_by_label("Adresse électronique professionnelle").fill(EMAIL)
    page.get_by_label("Prénom").fill("Léa")
    page.get_by_label("Nom", exact=True).fill("Moreau")
    page.get_by_label("Profession", exact=True).select_option("medecin")
    page.get_by_label("Numéro RPPS").fill("1234")  # a typo first: refused with a message
    page.get_by_label("Spécialité", exact=True).select_option("cardiologie")
    page.get_by_label("Adresse du lieu d'exercice").first.fill("12 rue Bannier")
    commune = page.get_by_label("Commune", exact=True).first
    choose_commune(commune, "45000")
    page.get_by_label("Libéral", exact=True).check()
    page.get_by_label("Secteur conventionnel").select_option("secteur_1")
    page.get_by_label("Soins non programmés").check()
    page.follow(page.get_by_role("button", name="Envoyer ma candidature"))
    expect(page.get_by_text("Le numéro RPPS comporte exactement 11 chiffres.")).to_be_visible()
    page.get_by_label("Numéro RPPS").fill(valid_rpps("1012345678"))
    page.get_by_label("Commune", exact=True).first.fill("45234 — Orléans (45000)")
    page.follow(page.get_by_role("button", name="Envoyer ma candidature"))
    expect(page.get_by_role("heading", name="Candidature envoyée")).to_be_visible()

    sign_in("direction@demo.example.org", PASSWORD)
    page.menu("Adhésions")
    page.get_by_role("link", name="Dr Léa Moreau").click()
    page.follow(page.get_by_role("button", name="Valider l'adhésion"))
    expect(page.get_by_text("Adhésion validée")).to_be_visible()
    sign_out()

    email = OutboundEmail.objects.get(to=EMAIL, subject__contains="activez")
    link = re.search(r"https?://\S+(/adhesion/activer/\S+/)", email.body_text).group(1)
    page.goto(page.base_url + link)
    page.get_by_label("Mot de passe", exact=True).fill("un-mot-de-passe-solide-2026")
    page.get_by_label("Confirmation du mot de passe").fill("un-mot-de-passe-solide-2026")
    page.follow(page.get_by_role("button", name="Activer mon compte"))
    expect(page.get_by_text("Votre compte est activé")).to_be_visible()

    sign_in(EMAIL, "un-mot-de-passe-solide-2026")
    # A specialist reaches patient data: the platform first has her set up a second factor
    # (a real member, not a demo account: the demo setting does not exempt her).
    page.get_by_label("Mot de passe").fill("un-mot-de-passe-solide-2026")
    page.get_by_role("button", name="Confirmer").click()
    secret = page.locator("#authenticator_secret").input_value()
    while time.time() % 30 > 25:  # a code about to change could reach the server too late
        time.sleep(0.5)
    page.get_by_label("Code de l'authentificateur").fill(current_totp_code(secret))
    page.follow(page.get_by_role("button", name="Activer"))
    page.goto(page.base_url + "/")
    page.menu("Annuaire")
    page.get_by_label("Spécialité").select_option("cardiologie")
    page.get_by_label("Nom", exact=True).press_sequentially("Mor", delay=30)
    page.wait_for_url(re.compile(r"q=Mor"))  # htmx pushed the filters into the address bar
    results = page.locator("#directory-results")
    entry = results.get_by_role("article", name="Dr Léa Moreau")
    entry.wait_for()
    expect(entry.get_by_text("12 rue Bannier, Orléans")).to_be_visible()
    assert results.get_by_role("article").count() == 1
