"""axe-core runs on every page the browser tests load (tests/browser/conftest.py); these check
that it does, and visit pages no journey reaches otherwise."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_audit_catches_a_serious_violation(page):
    page.goto(page.base_url + "/accounts/login/")
    page.wait_for_load_state("load")
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<button>')")

    page.axe.check()

    assert any(rule == "button-name" for _path, rule in page.axe.violations), page.axe.violations
    # Seen: the teardown's check must not fail on it.
    page.evaluate("document.querySelector('#contenu > button').remove()")
    page.axe.violations.clear()


def test_the_newsletter_list_shows_readable_status_badges(demo_accounts, page, sign_in):
    from projet_sante.newsletter.demo import seed_newsletters

    seed_newsletters()
    sign_in("direction@demo.example.org", settings.ESS_DEMO_PASSWORD)
    page.goto(page.base_url + "/lettre/gestion/")

    for status in ("Envoyée", "Brouillon"):
        badge = page.locator(".badge", has_text=status).first
        expect(badge).to_be_visible()
        # White text on a colour of its own, not on the page's white (axe checks the ratio).
        assert badge.evaluate("el => getComputedStyle(el).backgroundColor") not in (
            "rgba(0, 0, 0, 0)",
            "transparent",
        )
