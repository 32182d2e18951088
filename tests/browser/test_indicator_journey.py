"""ARS/CPAM staff read the indicators and download the quarterly report, in a real Chromium."""

import os

import pytest
from django.conf import settings
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(page, name):
    if folder := os.environ.get("ESS_SCREENSHOTS"):
        page.screenshot(path=f"{folder}/{name}.png", full_page=True)


def test_authority_reads_indicators_and_downloads_the_quarterly_report(
    demo_accounts, page, sign_in
):
    from projet_sante.indicators.demo import seed_indicators
    from projet_sante.indicators.periods import previous_quarter
    from referrals.demo import seed_referrals

    seed_referrals(demo_accounts)
    seed_indicators()
    quarter = previous_quarter()
    sign_in("ars@demo.example.org", settings.ESS_DEMO_PASSWORD)

    page.menu("Indicateurs")
    page.get_by_label("Période", exact=True).select_option(quarter.key)
    page.follow(page.get_by_role("button", name="Afficher"))
    expect(page.get_by_role("heading", name=f"Indicateurs · {quarter.label}")).to_be_visible()
    expect(page.get_by_text("Chiffres figés le")).to_be_visible()
    expect(page.get_by_role("img", name="Répartition des modes de réponse")).to_be_visible()
    expect(page.get_by_text("Vue agrégée")).to_be_visible()
    _shot(page, "indicators-authority")

    # Custom dates: typing them selects "Dates personnalisées…" (static/js/ess.js).
    page.get_by_label("Du (dates personnalisées)").fill(quarter.first.isoformat())
    page.get_by_label("Au", exact=True).fill(quarter.last.isoformat())
    assert page.get_by_label("Période", exact=True).input_value() == "personnalisee"
    page.follow(page.get_by_role("button", name="Afficher"))
    first, last = f"{quarter.first:%d/%m/%Y}", f"{quarter.last:%d/%m/%Y}"
    expect(page.get_by_role("heading", name=f"Indicateurs · Du {first} au {last}")).to_be_visible()
    expect(page.get_by_text("Chiffres calculés le")).to_be_visible()

    page.get_by_label("Période", exact=True).select_option(quarter.key)
    assert page.get_by_label("Au", exact=True).input_value() == ""
    page.follow(page.get_by_role("button", name="Afficher"))

    # Rendered at once by the eager worker: the button downloads it.
    with page.expect_download() as info:
        page.get_by_role("button", name="Rapport d'activité (PDF)").click()
    download = info.value
    assert download.suggested_filename == f"rapport-activite-{quarter.key}.pdf"
    with open(download.path(), "rb") as fh:
        assert fh.read(5) == b"%PDF-"
