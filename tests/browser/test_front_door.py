"""The front door on a phone: a visitor finds how to ask for an opinion; a GP finds what waits
for them, and their referrals as cards."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.factories import ReferralFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}


def test_a_visitor_on_a_phone_goes_from_the_offer_to_the_ways_of_asking(page, demo_accounts):
    page.set_viewport_size(PHONE)
    page.goto(page.base_url + "/")

    expect(page.get_by_role("heading", level=1)).to_have_text("ESS Cardiologie du Loiret")
    page.get_by_role("link", name="Demander un avis spécialisé").click()

    ways = page.get_by_role("region", name="Comment adresser une demande")
    expect(ways).to_be_in_viewport()
    expect(ways.get_by_role("link", name="Envoyer une demande sans compte")).to_have_attribute(
        "href", "/demandes/sans-compte/"
    )
    expect(ways.get_by_role("link", name="Se connecter avec son adresse e-mail")).to_be_visible()
    # Nothing wider than the phone: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_gp_on_a_phone_sees_what_to_complete_and_their_referrals_as_cards(
    page, demo_accounts, sign_in
):
    gp = demo_accounts["medecin"]
    waiting = ReferralFactory(requester=gp, status="info_requested")
    ReferralFactory(requester=gp)
    page.set_viewport_size(PHONE)
    sign_in(gp.email, settings.ESS_DEMO_PASSWORD)

    expect(page.get_by_role("heading", name="Espace demandeur")).to_be_visible()
    page.get_by_role("link", name="À compléter (1)").click()
    expect(page.get_by_role("link", name=waiting.reference)).to_be_visible()

    page.goto(page.base_url + "/demandes/")
    first = page.locator("#referral-table tbody tr").first
    expect(first).to_contain_text(waiting.reference)
    expect(first).to_contain_text("À compléter")
    assert first.evaluate("row => getComputedStyle(row).display") == "block"
    assert page.locator("#referral-table thead").evaluate("h => h.offsetHeight") <= 1
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.mark.parametrize("path", ["/membres/adhesions/", "/budget/", "/compte/jetons/"])
def test_the_management_s_pages_fit_a_phone(page, demo_accounts, sign_in, path):
    page.set_viewport_size(PHONE)
    sign_in("direction@demo.example.org", settings.ESS_DEMO_PASSWORD)

    page.goto(page.base_url + path)

    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
