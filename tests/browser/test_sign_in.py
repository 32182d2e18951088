import pytest
from django.conf import settings
from playwright.sync_api import expect

from ess.demo import seed_accounts, seed_team

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOME_HEADINGS = {
    "medecin@demo.example.org": "Espace demandeur",
    "medecin2@demo.example.org": "Espace demandeur",
    "coordination@demo.example.org": "Espace coordination",
    "cardiologue@demo.example.org": "Espace spécialiste",
    "cardiologue2@demo.example.org": "Espace spécialiste",
    "direction@demo.example.org": "Espace direction",
    "ipa@demo.example.org": "Espace paramédical",
    "ars@demo.example.org": "Espace ARS / CPAM",
    "cpam@demo.example.org": "Espace ARS / CPAM",
}


@pytest.fixture
def demo(settings, territory):
    settings.ESS_DEMO = True
    seed_team()
    seed_accounts()


@pytest.mark.parametrize("email", list(HOME_HEADINGS))
def test_each_demo_account_signs_in_and_sees_its_home_page(demo, page, sign_in, email):
    """…under a menu bar on one line (the page is 1280 pixels wide): a manager who is also a
    specialist reaches some twenty pages, grouped into drop-downs so that the bar never wraps."""
    sign_in(email, settings.ESS_DEMO_PASSWORD)

    assert page.url == page.base_url + "/"
    expect(page.get_by_role("heading", name=HOME_HEADINGS[email])).to_be_visible()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Bonjour")
    assert page.viewport_size["width"] == 1280
    entries = page.locator("#nav-main > ul > li")
    tops = {round(entries.nth(i).bounding_box()["y"]) for i in range(entries.count())}
    assert entries.count() >= 3
    assert len(tops) == 1, (email, tops)


def test_wrong_password_is_refused_with_a_message(demo, page, sign_in):
    sign_in("medecin@demo.example.org", "pas-le-bon")

    assert "/accounts/login/" in page.url
    expect(page.get_by_text("L’adresse e-mail ou le mot de passe sont incorrects.")).to_be_visible()
