"""A training in a real Chromium, up to the waiting list: two places; a GP registers in one
click, a nurse without an account registers and confirms through the emailed link, a second GP
lands on the waiting list; the first GP cancels, and the second gets the place."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from ess.models import OutboundEmail
from tests.factories import TrainingFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = settings.ESS_DEMO_PASSWORD
TITLE = "Soirée insuffisance cardiaque en ville"
NURSE = "claire.martin@exemple.fr"


def test_a_cancelled_place_goes_to_the_first_on_the_waiting_list(
    demo_accounts, page, sign_in, sign_out
):
    # publish via page: the manager creates and publishes the training on the management pages.
    training = TrainingFactory(title=TITLE, capacity=2, organiser=demo_accounts["direction"])
    detail = page.base_url + f"/evenements/{training.public_id}/"

    # A GP signed in registers in one click.
    sign_in("medecin@demo.example.org", PASSWORD)
    page.goto(page.base_url + "/evenements/")
    expect(page.get_by_text("2 places restantes")).to_be_visible()
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("button", name="M'inscrire").click()
    expect(page.get_by_text("Votre inscription est confirmée.")).to_be_visible()
    expect(page.locator("#registration-status")).to_have_text("Inscrit·e")

    # A nurse without an account fills the form, then confirms through the emailed link.
    sign_out()
    page.goto(detail)
    expect(page.get_by_text("1 place restante.")).to_be_visible()
    page.get_by_label("Prénom").fill("Claire")
    page.get_by_label("Nom", exact=True).fill("Martin")
    page.get_by_label("Adresse électronique").fill(NURSE)
    page.get_by_label("Profession").select_option(label="Infirmier·e (IDE)")
    page.get_by_role("button", name="M'inscrire").click()
    expect(page.get_by_role("heading", name="Confirmez votre inscription")).to_be_visible()
    email = OutboundEmail.objects.get(to=NURSE)
    link = re.search(r"/evenements/inscriptions/\S+/confirmer/", email.body_text).group(0)
    page.goto(page.base_url + link)
    page.get_by_role("button", name="Confirmer mon inscription").click()
    expect(page.get_by_text("Votre inscription est confirmée.")).to_be_visible()
    expect(page.locator("#registration-status")).to_have_text("Inscrit·e")

    # A second GP finds the training full and joins the waiting list.
    sign_in("medecin2@demo.example.org", PASSWORD)
    page.goto(detail)
    expect(page.get_by_text("Complet : inscription sur liste d'attente")).to_be_visible()
    page.get_by_role("button", name="M'inscrire sur la liste d'attente").click()
    expect(page.locator("#registration-status")).to_have_text("En liste d'attente")

    # The first GP cancels from their registrations.
    sign_out()
    sign_in("medecin@demo.example.org", PASSWORD)
    page.goto(page.base_url + "/evenements/mes-inscriptions/")
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("button", name="Annuler mon inscription").click()
    expect(page.get_by_text("Votre inscription est annulée.")).to_be_visible()
    expect(page.locator("#registration-status")).to_have_text("Annulée")

    # The second GP has the place, and was told by email.
    sign_out()
    sign_in("medecin2@demo.example.org", PASSWORD)
    page.goto(page.base_url + "/evenements/mes-inscriptions/")
    page.get_by_role("link", name=TITLE).click()
    expect(page.locator("#registration-status")).to_have_text("Inscrit·e")
    promoted = OutboundEmail.objects.filter(subject__contains="Une place s'est libérée")
    assert [e.to for e in promoted] == [demo_accounts["medecin2"].email.lower()]
