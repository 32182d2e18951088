"""A coordinator plans a screening campaign on two communes picked with the commune suggestions,
records an action's counts and reads the totals; anyone then reads the campaign on the public
page, without its actions' list."""

import re

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from events.models import Campaign
from tests.factories import PartnerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _pick(page, label: str, typed: str, expected: str) -> None:
    commune = page.get_by_role("combobox", name=label)
    commune.press_sequentially(typed, delay=30)
    suggestions = page.locator("#" + commune.get_attribute("aria-controls"))
    expect(suggestions.get_by_role("option").first).to_have_text(re.compile(expected))
    commune.press("ArrowDown")
    commune.press("Enter")


def test_a_coordinator_runs_a_campaign_that_the_public_then_reads(
    demo_accounts, page, sign_in, browser
):
    PartnerFactory(name="CPTS du Grand Orléans")
    today = timezone.localdate()
    sign_in("coordination@demo.example.org", settings.ESS_DEMO_PASSWORD)

    page.goto(page.base_url + "/")
    page.menu("Campagnes")
    page.get_by_role("link", name="Nouvelle campagne").click()
    page.get_by_label("Intitulé").fill("Dépistage de l'hypertension")
    page.get_by_label("Type").select_option(label="Dépistage")
    page.get_by_label("Thème", exact=True).fill("Hypertension artérielle")
    page.get_by_label("Population cible").fill("Adultes de plus de 50 ans")
    page.get_by_label("Début").fill(f"{today.replace(day=1):%Y-%m-%d}")
    page.get_by_label("Fin").fill(f"{today + timezone.timedelta(days=60):%Y-%m-%d}")
    _pick(page, "Commune 1", "orl", r"^Orléans \(45000\)")
    _pick(page, "Commune 2", "olivet", r"^Olivet \(45160\)")
    page.get_by_label("CPTS du Grand Orléans").check()
    page.get_by_role("button", name="Enregistrer").click()

    expect(page.get_by_text("Campagne « Dépistage de l'hypertension » créée.")).to_be_visible()
    expect(page.get_by_text("Olivet, Orléans")).to_be_visible()

    page.get_by_label("Action", exact=True).fill("Stand au marché")
    page.get_by_label("Date").fill(f"{today:%Y-%m-%d}")
    page.get_by_label("Personnes touchées").fill("120")
    page.get_by_label("Dépistages réalisés").fill("45")
    page.get_by_label("Orientations générées").fill("6")
    page.get_by_role("button", name="Enregistrer l'action").click()

    expect(page.get_by_text("Action « Stand au marché » enregistrée.")).to_be_visible()
    expect(page.locator("#total-people")).to_have_text("120")
    expect(page.locator("#total-referrals")).to_have_text("6")

    campaign = Campaign.objects.get()
    public = browser.new_page(locale="fr-FR")
    public.goto(f"{page.base_url}/evenements/campagnes/{campaign.public_id}/")
    expect(public.get_by_role("heading", name="Dépistage de l'hypertension")).to_be_visible()
    expect(public.locator("#total-screenings")).to_have_text("45")
    expect(public.get_by_text("CPTS du Grand Orléans")).to_be_visible()
    expect(public.get_by_text("Stand au marché")).to_have_count(0)
    public.close()
