"""Browser tests: Debian's Chromium, headless, driven by Playwright (no browser download)."""

import os
import re
from pathlib import Path

import pytest

from tests.conftest import CHROMIUM, require

# Playwright's sync API runs an event loop in this thread; the ORM calls made by fixtures are
# still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# axe-core, vendored (tests/browser/vendor/axe-core/README.md): run on every page a test loads.
AXE_SCRIPT = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
AXE_BLOCKING_IMPACTS = ("serious", "critical")
AXE_RUN = """async (impacts) => {
    const results = await window.axe.run(document, {resultTypes: ["violations"]});
    return results.violations
        .filter((v) => impacts.includes(v.impact))
        .map((v) => ({
            id: v.id,
            impact: v.impact,
            help: v.help,
            targets: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
            why: v.nodes.slice(0, 1).flatMap((n) => n.any.concat(n.all).map((c) => c.message)),
        }));
}"""

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


class AxeAudit:
    """Collects axe-core's serious and critical violations of every page state it is asked to check.

    Checked on each `load` event and once more at the end of the test (the last state, after any
    htmx swap); a page that navigates away while being checked is checked on its next load.
    """

    def __init__(self, page, origin: str):
        self.page = page
        self.origin = origin
        self.violations: dict[tuple[str, str], str] = {}
        self._running = False

    def check(self) -> None:
        from playwright.sync_api import Error

        # One axe run at a time in a page: a check asked for while another runs (a `load` event
        # during the test's own check, or the reverse) waits for it, then looks again.
        try:
            while self._running:
                self.page.wait_for_timeout(50)
        except Error:
            return
        if self.page.is_closed() or not self.page.url.startswith(self.origin):
            return  # not ours: an identity provider's page, a blank page
        self._running = True
        try:
            self._run_once()
        finally:
            self._running = False

    def _run_once(self) -> None:
        from playwright.sync_api import Error

        try:
            url = self.page.url
            found = self.page.evaluate(AXE_RUN, list(AXE_BLOCKING_IMPACTS))
        except Error:
            return  # the page went away mid-check (a navigation, the end of the test)
        path = url.split("://", 1)[-1].split("/", 1)[-1]
        for v in found:
            self.violations.setdefault(
                ("/" + path, v["id"]),
                f"/{path} — {v['id']} ({v['impact']}) : {v['help']} — {v['targets']} {v['why']}",
            )


def _follow(page, locator) -> None:
    """Click what leads to another page (a link, a form's button) and wait until that page has
    loaded: a wait on the navigation itself, not on half a second of network silence."""
    with page.expect_navigation():
        locator.click()


def _menu(page, label: str) -> None:
    """Go to a page of the main menu as a user does: click its entry in the bar or, where the
    bar groups it into a drop-down, open the drop-down first."""
    # By its text: a closed drop-down's links are hidden, out of reach of get_by_role.
    entry = page.locator("a.nav-link, a.dropdown-item").filter(
        has_text=re.compile(rf"^\s*{re.escape(label)}\s*$")
    )
    link = page.locator("#nav-main").locator(entry).first
    if not link.is_visible():
        group = page.locator("#nav-main li.dropdown").filter(has=entry).first
        group.locator(".dropdown-toggle").click()
    _follow(page, link)


@pytest.fixture
def page(browser, live_server, settings):
    settings.ALLOWED_HOSTS = ["*"]
    context = browser.new_context(
        locale="fr-FR", timezone_id="Europe/Paris", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(15_000)
    # An init script is not subject to the page's Content-Security-Policy.
    context.add_init_script(path=AXE_SCRIPT)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    audit = AxeAudit(page, live_server.url)
    page.on("load", lambda _: audit.check())
    page.axe = audit
    page.base_url = live_server.url
    page.follow = lambda locator: _follow(page, locator)
    page.menu = lambda label: _menu(page, label)
    yield page
    audit.check()
    context.close()
    # A CSP violation or a script error is a defect the user would hit.
    assert not errors, f"Erreurs dans la console du navigateur : {errors}"
    # So is a page a screen-reader or keyboard user cannot use, or text too pale to read.
    assert not audit.violations, "Violations d'accessibilité (axe-core) :\n" + "\n".join(
        audit.violations.values()
    )


@pytest.fixture
def sign_in(page):
    def _sign_in(email: str, password: str):
        page.goto(page.base_url + "/accounts/login/")
        page.get_by_label("Courriel").fill(email)
        page.get_by_label("Mot de passe").fill(password)
        page.follow(page.get_by_role("button", name="Se connecter"))
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
