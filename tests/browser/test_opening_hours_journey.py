"""The direction records the coordination's hours and a closure, the public front page shows
them; the coordination sees a new request's urgency and waiting time in its queue."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import ReferralFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_direction_sets_hours_and_a_closure_that_the_front_page_shows(
    page, demo_accounts, sign_in, sign_out
):
    sign_in("direction@demo.example.org", settings.ESS_DEMO_PASSWORD)
    page.goto(page.base_url + "/membres/organisation/")
    page.get_by_role("link", name="Horaires d'ouverture et fermetures de la coordination").click()

    page.get_by_role("combobox", name="Jour").select_option(label="mardi")
    page.get_by_role("textbox", name="Ouverture").fill("09:00")
    page.get_by_role("textbox", name="Fermeture").fill("12:00")
    page.get_by_role("button", name="Ajouter la plage").click()
    expect(page.get_by_text("Plage d'ouverture enregistrée.")).to_be_visible()
    expect(page.get_by_role("row", name="Mardi").get_by_text("09:00–12:00")).to_be_visible()

    start = timezone.localdate() + timedelta(days=40)
    page.get_by_label("Du", exact=True).fill(start.isoformat())
    page.get_by_label("Au (inclus)").fill((start + timedelta(days=9)).isoformat())
    page.get_by_label("Motif").fill("Fermeture estivale")
    page.get_by_role("button", name="Enregistrer la fermeture").click()
    expect(page.get_by_text("Fermeture enregistrée.")).to_be_visible()

    sign_out()
    page.goto(page.base_url + "/")
    expect(page.get_by_text("Mardi : 09:00–12:00")).to_be_visible()
    expect(page.get_by_text("Fermeture estivale")).to_be_visible()
    expect(page.get_by_text("Prochain jour férié")).to_be_visible()


def test_the_queue_shows_a_new_request_s_urgency_and_age(page, demo_accounts, sign_in):
    now = timezone.now()
    referral = ReferralFactory(
        requester=demo_accounts["medecin"],
        urgency_requested="P1",
        submitted_at=now - timedelta(hours=3),
        due_at=now + timedelta(hours=21),
    )

    sign_in("coordination@demo.example.org", settings.ESS_DEMO_PASSWORD)
    page.goto(page.base_url + "/regulation/")

    row = page.get_by_role("row").filter(has_text=referral.reference)
    expect(row.get_by_text("P1 demandée")).to_be_visible()
    expect(row.get_by_text("reçue il y a 3 h")).to_be_visible()
    expect(row.get_by_text("(provisoire)")).to_be_visible()
