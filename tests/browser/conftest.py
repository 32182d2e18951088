"""Browser tests: Debian's Chromium, headless, driven by Playwright (no browser download)."""

import os
from pathlib import Path

import pytest

from tests.conftest import CHROMIUM, require

# Playwright's sync API runs an event loop in this thread; the ORM calls made by fixtures are
# still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    require(Path(CHROMIUM).exists(), f"nécessite Chromium ({CHROMIUM}) : apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, settings):
    settings.ALLOWED_HOSTS = ["*"]
    context = browser.new_context(
        locale="fr-FR", timezone_id="Europe/Paris", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.base_url = live_server.url
    yield page
    context.close()
    # A CSP violation or a script error is a defect the user would hit.
    assert not errors, f"Erreurs dans la console du navigateur : {errors}"


@pytest.fixture
def sign_in(page):
    def _sign_in(email: str, password: str):
        page.goto(page.base_url + "/accounts/login/")
        page.get_by_label("Courriel").fill(email)
        page.get_by_label("Mot de passe").fill(password)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_load_state("networkidle")
        return page

    return _sign_in


@pytest.fixture
def demo_accounts(settings, territory):
    """The demo ESS and its accounts (no referrals: each journey makes its own)."""
    from ess.demo import seed_accounts, seed_team

    settings.ESS_DEMO = True
    seed_team()
    return seed_accounts()


@pytest.fixture
def sign_out(page):
    def _sign_out():
        page.context.clear_cookies()

    return _sign_out
