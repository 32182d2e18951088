"""A GP unknown to the platform signs in with Pro Santé Connect (a real OpenID Connect provider
on loopback, tests/psc_provider.py) and files a request, in a real Chromium."""

import pytest
from playwright.sync_api import expect

from members.models import User
from tests.browser.test_referral_journeys import submit_referral
from tests.psc_provider import directory_entry, psc_claims

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RPPS = "19945000016"


def test_a_gp_unknown_to_the_platform_signs_in_with_psc_and_files_a_request(
    demo_accounts, psc, page, tmp_path
):
    directory_entry(RPPS, last_name="BERTHELIN", first_name="Claire", commune_code="45208")
    psc.set_professional(
        "psc-berthelin",
        psc_claims("8" + RPPS, given_name="Claire", family_name="Berthelin", email=""),
    )

    # The stand-in provider's own page links a stylesheet from a CDN (no network here) and has
    # no favicon: both are answered empty, so the console stays clean for the platform's pages.
    page.route("https://cdn.jsdelivr.net/**", lambda route: route.fulfill(status=200, body=""))
    page.route(f"{psc.url}/favicon.ico", lambda route: route.fulfill(status=204, body=""))
    page.goto(page.base_url + "/accounts/login/")
    page.get_by_role("button", name="Se connecter avec Pro Santé Connect").click()
    # At the provider: the professional authenticates (here, names the subject).
    page.locator('input[name="sub"]').fill("psc-berthelin")
    page.get_by_role("button", name="Authorize").click()
    # Back on the platform: the first sign-in asks for an email address, nothing else.
    page.locator('input[name="email"]').fill("c.berthelin@msp-val.fr")
    with page.expect_navigation():
        page.locator('input[name="email"]').press("Enter")
    expect(page.get_by_role("link", name="Nouvelle demande").first).to_be_visible()

    reference = submit_referral(page, tmp_path, question="Souffle systolique : avis ?")

    expect(page.get_by_role("heading", name=f"Demande {reference}")).to_be_visible()
    gp = User.objects.get(rpps=RPPS)
    assert (gp.last_name, gp.email) == ("BERTHELIN", "c.berthelin@msp-val.fr")
    assert gp.referrals_requested.get().reference == reference
