"""Hostile query strings over every URL of the project and every API list filter.

Every URL pattern the resolver knows (new ones included, with no list to update) is requested
as an anonymous visitor and as a signed-in staff member, path converters filled with real
objects where one exists and with unknown UUIDs elsewhere; every list endpoint of the OpenAPI
schema gets each of its declared filters. The parameters tried on a page are those its own GET
forms and links use (the user's path), plus `q` and `page`.

- A control character (NUL and others) in a parameter's value or name: 400 with a French
  message, whatever the URL.
- An oversized value (100,000 characters): 400 with a French message, before any view.
- Values as long as the limit lets through (about 4,000 characters of digits, or of words):
  the view gets them and must answer anything but a server error.

Kept under a minute: the admin's views are the same code for every model, so one URL each.
"""

import html.parser
import itertools
import re
import uuid
from datetime import timedelta
from urllib.parse import quote, urlencode, urlsplit

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.converters import IntConverter, PathConverter, UUIDConverter
from django.urls.exceptions import Resolver404
from django.utils import timezone
from django.utils.regex_helper import normalize

from ess.roles import Role
from ess.security_middleware import MAX_QUERY_STRING
from scheduling.models import OnCallShift
from tests.conftest import signed_in
from tests.factories import (
    ConsultationPlanFactory,
    ConsultationSessionFactory,
    ContactFactory,
    ConventionFactory,
    MembershipFactory,
    PartnerFactory,
    ReferralFactory,
    UserFactory,
    cardiology,
)

pytestmark = pytest.mark.postgres

OVERSIZED = "A" * 100_000
CONTROL_VALUES = ["or\x00l", "a\x01b", "\x1b[2J", "a\x7fb", "a\x85b", "ligne\nsuivante"]
DEFAULT_NAMES = ("q", "page")
FRENCH_REFUSAL = "contient un caractère de contrôle"
FRENCH_TOO_LONG = "Les paramètres de la requête sont trop longs"
UNKNOWN = uuid.UUID("00000000-0000-4000-8000-000000000000")


# ---------------------------------------------------------------------------------------------
# Every URL pattern, as a concrete path
# ---------------------------------------------------------------------------------------------
def _leaves(patterns, regex="", converters=None):
    for p in patterns:
        level = p.pattern.regex.pattern.removeprefix("^")
        level_converters = {**(converters or {}), **getattr(p.pattern, "converters", {})}
        if isinstance(p, URLResolver):
            yield from _leaves(p.url_patterns, regex + level, level_converters)
        elif isinstance(p, URLPattern):
            yield p, regex + level, level_converters


def _group_alternatives(regex: str, name: str) -> list[str]:
    """`(?P<app_label>auth|account)` → ["auth", "account"] (admin's app index)."""
    match = re.search(rf"\(\?P<{name}>([\w|]+)\)", regex)
    return match[1].split("|") if match and "|" in match[1] else []


def _value(name: str, converter, regex: str, world: dict) -> str:
    if name in ("public_id", "id", "a", "b"):
        return str(world.get(_owner(regex), UNKNOWN))
    if isinstance(converter, UUIDConverter):
        return str(UNKNOWN)  # an object under the main one (attachment, mission…): unknown
    if name == "format":
        return "json"
    if alternatives := _group_alternatives(regex, name):
        return alternatives[0]
    if isinstance(converter, PathConverter | IntConverter):
        return "1"
    return "x"


# The object a route's identifiers point at, by the route's beginning (most specific first).
_OWNERS = [
    ("demandes/", "referral"),
    ("api/v1/referrals", "referral"),
    ("partenaires/conventions/", "convention"),
    ("api/v1/conventions", "convention"),
    ("partenaires/", "partner"),
    ("api/v1/partners", "partner"),
    ("consultations-avancees/sites/", "site"),
    ("consultations-avancees/programmes/", "plan"),
    ("consultations-avancees/seances/", "session"),
    ("api/v1/consultation-sessions", "session"),
    ("garde/gardes/", "shift"),
    ("api/v1/on-call-shifts", "shift"),
    ("membres/adhesions/", "membership"),
    ("api/v1/members", "membership"),
    ("projet-sante/versions/", "version"),
    ("api/v1/project-versions", "version"),
    ("lettre/gestion/", "newsletter"),
    ("lettre/", "newsletter"),
]


def _owner(route: str) -> str | None:
    plain = route.replace("^", "").replace("\\", "")
    return next((owner for prefix, owner in _OWNERS if plain.startswith(prefix)), None)


def project_urls(world: dict) -> list[tuple[str, str]]:
    """(path, view) for every URL pattern of the project.

    The admin's views are the same code for every model, and format suffixes (`.json`) the same
    view as the plain route: one URL each."""
    urls, seen = [], set()
    for pattern, regex, converters in _leaves(get_resolver().url_patterns):
        (template, params), *_ = normalize(regex)
        values = {name: _value(name, converters.get(name), regex, world) for name in params}
        path = "/" + template % values
        try:
            match = resolve(path)
        except Resolver404:
            pytest.fail(f"Impossible de construire une URL pour {regex!r} ({pattern.lookup_str})")
        assert match.func is pattern.callback, (path, regex)
        key = (
            pattern.lookup_str if path.startswith("/admin/") else (pattern.lookup_str, pattern.name)
        )
        if key not in seen:
            seen.add(key)
            urls.append((path, pattern.lookup_str))
    return urls


def long_values(name: str) -> dict[str, str]:
    """Values as long as the query-string limit allows, so the view itself gets them: digits
    (integer parsing: pages, years, identifiers) and accented words (searches)."""
    room = MAX_QUERY_STRING - len(quote(name)) - 1
    word = "Orléans "
    words = word * (room // len(quote(word)))
    return {"chiffres": "9" * room, "texte": words}


# ---------------------------------------------------------------------------------------------
# The parameters a page offers: its GET forms and its links back to itself
# ---------------------------------------------------------------------------------------------
class _QueryNames(html.parser.HTMLParser):
    def __init__(self, path: str):
        super().__init__()
        self.path, self.names, self._in_get_form = path, set(), False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._in_get_form = (attrs.get("method") or "get").lower() == "get"
        elif tag in ("input", "select", "textarea") and self._in_get_form and attrs.get("name"):
            self.names.add(attrs["name"])
        elif tag == "a" and attrs.get("href"):
            url = urlsplit(attrs["href"])
            if url.query and url.path in ("", self.path):
                self.names.update(k for k, _v in _pairs(url.query))

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_get_form = False


def _pairs(query: str):
    for pair in query.split("&"):
        name, _sep, value = pair.partition("=")
        if name:
            yield name, value


def offered_names(path: str, response) -> set[str]:
    if not response.get("Content-Type", "").startswith("text/html"):
        return set()
    parser = _QueryNames(path)
    parser.feed(response.content.decode("utf-8", "replace"))
    return {n for n in parser.names if n != "csrfmiddlewaretoken"}


# ---------------------------------------------------------------------------------------------
# The world the staff member sees, and the two personas
# ---------------------------------------------------------------------------------------------
@pytest.fixture
def world(territory):
    from projet_sante.newsletter import services
    from projet_sante.project import services as project_services

    manager = UserFactory(manager=True)
    plan = ConsultationPlanFactory()
    partner = PartnerFactory()
    convention = ConventionFactory(parties=[partner])
    ContactFactory(partner=partner)
    return {
        "referral": ReferralFactory(triaged=True).public_id,
        "partner": partner.public_id,
        "convention": convention.public_id,
        "site": plan.site.public_id,
        "plan": plan.public_id,
        "session": ConsultationSessionFactory(site=plan.site).public_id,
        "shift": OnCallShift.objects.create(
            specialty=cardiology(),
            starts_at=timezone.now() + timedelta(days=2),
            ends_at=timezone.now() + timedelta(days=2, hours=5),
        ).public_id,
        "membership": MembershipFactory(active=True).public_id,
        "version": project_services.version_start(by=manager).public_id,
        "newsletter": services.newsletter_draft(year=2026, quarter=2).public_id,
    }


def _staff() -> Client:
    user = UserFactory(
        coordinator=True,
        roles=[Role.COORDINATOR, Role.MANAGER, Role.SPECIALIST],
        specialty=cardiology(),
    )
    # The factory enrols staff in TOTP, as every staff member must be: the pages, not the
    # enrolment, answer.
    return signed_in(Client(raise_request_exception=False), user)


@pytest.fixture
def personas(world):
    return {"anonyme": Client(raise_request_exception=False), "équipe": _staff()}


def _with(path: str, params: dict) -> str:
    return f"{path}?{urlencode(params, quote_via=quote)}"


def _error(response) -> str:
    """The exception behind a 5xx, in one line."""
    exc_info = getattr(response, "exc_info", None)
    return f"{exc_info[0].__name__}: {str(exc_info[1])[:120]}" if exc_info else ""


def _refusal_text(response) -> str:
    if response["Content-Type"].startswith("application/json"):
        return response.json()["detail"]
    if response["Content-Type"].startswith("application/fhir+json"):
        return response.json()["issue"][0]["diagnostics"]
    return response.content.decode()


# ---------------------------------------------------------------------------------------------
# The tests
# ---------------------------------------------------------------------------------------------
def test_every_url_refuses_control_characters_and_oversized_input_and_survives_long_values(
    personas, world
):
    controls = itertools.cycle(CONTROL_VALUES)
    failures = []
    urls = project_urls(world)
    assert len(urls) > 100  # the walk found the project, not an empty resolver

    def check(persona, client, path, params, *, refusal=None):
        response = client.get(_with(path, params))
        shown = {k[:20]: f"{v[:20]!r}…×{len(v)}" for k, v in params.items()}
        if response.status_code >= 500:
            failures.append(f"{persona} {path} {shown} → {response.status_code} {_error(response)}")
        elif refusal and (response.status_code != 400 or refusal not in _refusal_text(response)):
            failures.append(f"{persona} {path} {shown} → {response.status_code}, pas « {refusal} »")

    for n, ((path, _view), (persona, client)) in enumerate(
        itertools.product(urls, personas.items())
    ):
        baseline = client.get(path)
        if baseline.status_code >= 500:
            failures.append(f"{persona} GET {path} → {baseline.status_code} {_error(baseline)}")
            continue
        names = set(DEFAULT_NAMES) | offered_names(path, baseline)
        # A control character in a value, or (every other URL) in a parameter's name.
        control = next(controls)
        params = {"q": control} if n % 2 else {f"x{control}": "1"}
        check(persona, client, path, params, refusal=FRENCH_REFUSAL)
        check(persona, client, path, {"q": OVERSIZED}, refusal=FRENCH_TOO_LONG)
        # Long values that pass the limit reach the view: it must cope.
        for name in sorted(names):
            values = long_values(name)
            kinds = {"q": ["texte"], "page": ["chiffres"]}.get(name, values)
            for kind in kinds:
                check(persona, client, path, {name: values[kind]})

    assert not failures, "\n".join(failures)


def test_every_api_list_filter_refuses_control_characters_and_survives_long_values(personas, world):
    schema = personas["anonyme"].get("/api/schema/?format=json").json()
    lists = {
        path: [p["name"] for p in op.get("parameters", []) if p["in"] == "query"]
        for path, item in schema["paths"].items()
        if (op := item.get("get")) and "{" not in path
    }
    assert "/api/v1/referrals/" in lists and "status" in lists["/api/v1/referrals/"]
    failures = []

    for (path, filters), (persona, client) in itertools.product(lists.items(), personas.items()):
        for name in filters or list(DEFAULT_NAMES):
            for control in CONTROL_VALUES:
                refused = client.get(_with(path, {name: control}))
                detail = refused.json().get("detail", "") if refused.status_code == 400 else ""
                if FRENCH_REFUSAL not in detail:
                    failures.append(f"{persona} {path}?{name}={control!r} → {refused.status_code}")
            for kind, value in long_values(name).items():
                response = client.get(_with(path, {name: value}))
                if response.status_code >= 500:
                    failures.append(
                        f"{persona} {path}?{name}=<{kind} ×{len(value)}> → "
                        f"{response.status_code} {_error(response)}"
                    )

    assert not failures, "\n".join(failures)
