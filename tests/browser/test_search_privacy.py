"""Searching a patient by name, in a real Chromium: the results follow what is typed, and no
request the browser sends (page, htmx, polling) nor the address bar ever holds the name."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.factories import PatientFactory, ReferralFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = settings.ESS_DEMO_PASSWORD
NAME = "Zylberstein"


@pytest.fixture
def cases(demo_accounts):
    gp = demo_accounts["medecin"]
    mine = {"requester": gp, "requester_organisation": gp.organisation}
    named = ReferralFactory(patient=PatientFactory(birth_name=NAME.upper()), **mine)
    other = ReferralFactory(patient=PatientFactory(birth_name="MARTIN"), **mine)
    return named, other


def record_requests(page) -> list[str]:
    urls: list[str] = []
    page.on("request", lambda r: urls.append(r.url))
    return urls


@pytest.mark.parametrize(
    ("account", "link", "box", "table"),
    [
        ("medecin", "Mes demandes", "Rechercher (patient ou référence)", "#referral-table"),
        ("coordination", "Régulation", "Référence, nom ou INS", "#queue"),
    ],
)
def test_a_name_search_filters_the_list_and_stays_out_of_every_url(
    cases, page, sign_in, account, link, box, table
):
    named, other = cases
    sign_in(f"{account}@demo.example.org", PASSWORD)
    page.follow(page.get_by_role("link", name=link).first)  # the menu's, before the home's
    sent = record_requests(page)

    page.get_by_label(box).press_sequentially(NAME[:6], delay=30)
    page.wait_for_url(re.compile(r"recherche="))  # htmx pushed the opaque id
    results = page.locator(table)
    results.get_by_role("link", name=named.reference).wait_for()
    page.wait_for_load_state("networkidle")

    assert results.get_by_role("link", name=other.reference).count() == 0
    page.reload()
    page.wait_for_load_state("networkidle")
    assert page.get_by_label(box).input_value() == NAME[:6]
    expect(page.locator(table).get_by_role("link", name=named.reference)).to_be_visible()
    assert page.locator(table).get_by_role("link", name=other.reference).count() == 0
    assert sent, "the search sent no request"
    for url in [*sent, page.url]:
        assert NAME[:4].lower() not in url.lower(), url
