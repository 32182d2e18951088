"""The machinery of the authorisation matrix (tests/security/test_authorisation_matrix.py):
the URL configuration and the OpenAPI schema walked, paths built, and a `Prober` that sends a
persona's requests and checks each answer.

A refused request must write nothing. PostgreSQL counts, per table and per transaction, the
rows inserted, updated and deleted (`pg_stat_xact_user_tables`), even in a savepoint rolled
back since: comparing those counters before and after each request catches any write, or
attempted write, in any table, for the price of one query.
"""

import functools
import json
import logging
import re
import uuid
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.utils.crypto import get_random_string
from django.utils.http import urlencode

from tests.referrals.conftest import PDF_BYTES
from tests.security.access_registry import NOBODY, REGISTRY, Access, Who
from tests.security.world import Thing, World

# Tables a refused request may write: the audit trail records refusals, a session is a session.
WRITES_ALLOWED = frozenset({"ess_auditevent", "django_session"})
# And tables an allowed GET may write too: an ended quarter's indicators are frozen on their
# first read (projet_sante.indicators.selectors.indicators_for).
ALLOWED_GET_WRITES = frozenset({"projet_sante_indicatorsnapshot"})
SIGN_IN_PATHS = ("/accounts/login/", "/admin/login/")
TEXT_TYPES = ("text/", "application/json", "application/xml", "application/javascript")


# ---------------------------------------------------------------------------------------------
# The URL configuration and the schema
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Endpoint:
    route: str  # the full pattern, prefixes included (route syntax or regex)
    name: str | None  # namespace:name
    args: tuple[str, ...]  # the URL's arguments

    @property
    def key(self) -> str:
        return self.name or self.route

    @property
    def is_format_suffix(self) -> bool:
        return "format" in self.args


def endpoints() -> list[Endpoint]:
    """Every URL pattern of ess.urls, included apps and the API router recursively."""
    found = []

    def walk(resolver, prefix, namespace, args):
        for p in resolver.url_patterns:
            p_args = args + pattern_args(p.pattern)
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                ns = namespace
                if p.namespace:
                    ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
                walk(p, route, ns, p_args)
            elif isinstance(p, URLPattern):
                name = p.name and (f"{namespace}:{p.name}" if namespace else p.name)
                found.append(Endpoint(route, name, p_args))

    walk(get_resolver(), "", None, ())
    return found


def pattern_args(pattern) -> tuple[str, ...]:
    converters = getattr(pattern, "converters", None)
    if converters:
        return tuple(converters)
    return tuple(pattern.regex.groupindex)


def is_api(endpoint: Endpoint) -> bool:
    return endpoint.route.startswith("api/v1/")


def access_for(endpoint: Endpoint) -> Access | None:
    if endpoint.name in REGISTRY:
        return REGISTRY[endpoint.name]
    for key, access in REGISTRY.items():
        if key.endswith("/*") and endpoint.route.startswith(key[:-1]):
            return access
    return None


def unclassified_endpoints() -> list[Endpoint]:
    return sorted((e for e in endpoints() if access_for(e) is None), key=lambda e: e.key.lower())


def schema_operations() -> list[tuple[str, str]]:
    """(method, path) of every operation of the OpenAPI schema, generated in-process."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    return [
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method in operations
        if method in ("get", "post", "put", "patch", "delete")
    ]


def schema_url_name(path: str) -> str | None:
    concrete = re.sub(r"\{[^}]+\}", str(uuid.uuid4()), path)
    match = resolve(concrete)
    return f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name


# Values for URL arguments that name no object of the world.
DEFAULT_ARGS = {
    "app_label": "auth",
    "url": "nulle-part/",
    "content_type_id": "1",
    "object_id": "1",
    "id": "1",
    "format": "json",
}


def build_path(endpoint: Endpoint, values: dict[str, str]) -> str:
    """The path of `endpoint` with `values` for its arguments (route or regex syntax)."""

    def value(name: str) -> str:
        return str(values.get(name, DEFAULT_ARGS.get(name, "x")))

    path = re.sub(
        r"\(\?P<(\w+)>(?:[^()]|\([^()]*\))*\)", lambda m: value(m.group(1)), endpoint.route
    )
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: value(m.group(1)), path)
    path = path.replace("^", "").replace("$", "").replace("/?", "").replace("\\", "")
    return "/" + path


def storages(root) -> dict:
    return {
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": root, "base_url": "/non-public/"},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


# ---------------------------------------------------------------------------------------------
# Probing
# ---------------------------------------------------------------------------------------------
def generic_form(world: World) -> dict:
    """A body most of the platform's forms accept: a refusal is then the actor check's, not a
    form error's."""
    extra = world.extra
    return {
        "reason": "Contrôle d'accès",
        "answer": "Réponse de contrôle",
        "body": "Message de contrôle",
        "note": "Note de contrôle",
        "question": "Question de contrôle",
        "target": "CHU d'Orléans",
        "priority": "P2",
        "response_mode": "teleexpertise_async",
        "document": "cni",
        "starts_at": "2031-01-06 10:00",
        "location": "Cabinet",
        "useful": "1",
        "avoided_visit": "0",
        "doc_type": "draft",
        "signed_on": "2026-01-05",
        "effective_on": "2026-01-05",
        "title": "Titre de contrôle",
        "description": "Description de contrôle",
        "kind": "core_1",
        "status": "planned",
        "progress": "10",
        "revision": "0",
        "news": "Actualités",
        "events": "Agenda",
        "slot": extra["free_slot"],
        "session": extra["session"],
        "specialist": extra["other_specialist"],
        "replacement": extra["other_specialist"],
        "volunteers": extra["other_specialist"],
        "starts_on": "2031-01-05",
        "ends_on": "2031-01-06",
        "day": "2031-01-06",
        "start": "09:00",
        "end": "10:00",
        "capacity": "1",
        "weeks": "1",
        "place": "Cabinet",
        "territory_count": "10",
        "email": "controle@exemple.fr",
        "first_name": "Contrôle",
        "last_name": "Accès",
        "name": "Nom de contrôle",
        "address": "1 rue de la Gare",
        "commune": "45234",
    }


def generic_json(world: World) -> dict:
    referral = next(t for t in world.things["referral.triaged"] if "requester" in t.visible_to)
    return {
        "priority": "P2",
        "response_mode": "teleexpertise_async",
        "note": "Note de contrôle",
        "reason": "Contrôle d'accès",
        "starts_at": "2031-01-06T10:00:00+01:00",
        "location": "Cabinet",
        "answer": "Réponse de contrôle",
        "question": "Question de contrôle",
        "target": "CHU d'Orléans",
        "body": "Message de contrôle",
        "signed_on": "2026-01-05",
        "effective_on": "2026-01-05",
        "referral": referral.ids["referral"],
        "slot": world.extra["free_slot"],
        "section": "",
    }


def write_counters() -> dict[str, tuple[int, int, int]]:
    """Rows inserted, updated, deleted per table in this transaction (PostgreSQL counts them
    even when a savepoint is rolled back: an attempted write shows too). Read by table oid
    from the statistics functions: the pg_stat_xact_user_tables view costs three times more,
    and the matrix reads them around each of its thousands of requests."""
    oids, names = _tables()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_stat_get_xact_tuples_inserted(o), pg_stat_get_xact_tuples_updated(o),"
            " pg_stat_get_xact_tuples_deleted(o) FROM unnest(%s::oid[]) WITH ORDINALITY"
            " AS t(o, n) ORDER BY n",
            [oids],
        )
        return dict(zip(names, cursor.fetchall(), strict=True))


@functools.cache
def _tables() -> tuple[list[int], list[str]]:
    """The oids and names of the application's tables (those pg_stat_xact_user_tables lists)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT oid, relname FROM pg_class WHERE relkind IN ('r', 'p', 'm')"
            " AND relnamespace = 'public'::regnamespace ORDER BY oid"
        )
        rows = cursor.fetchall()
    return [oid for oid, _ in rows], [name for _, name in rows]


def written_tables(before, after) -> list[str]:
    return sorted(
        table
        for table, counts in after.items()
        if table not in WRITES_ALLOWED and counts != before.get(table, (0, 0, 0))
    )


def read_body(response) -> str:
    """The response's text, lower-cased ("" for binary content). A streamed body is read
    through the test client's wrapper, which closes the response without closing the
    database connection the whole module's data lives in."""
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    if not response.get("Content-Type", "").startswith(TEXT_TYPES):
        return ""
    return raw.decode("utf-8", errors="replace").lower()


class Prober:
    """One persona's HTTP client; each probe is checked and its problems collected."""

    def __init__(self, persona: str, client, world: World):
        self.persona = persona
        self.client = client
        self.world = world
        self.hidden = {m.lower() for m in world.patient_markers_hidden_from(persona)}
        self.every_patient = {m.lower() for m in world.all_patient_markers()}
        self.form = generic_form(world)
        self.json = generic_json(world)
        self.problems: list[str] = []
        self.ghost_status: dict[tuple, int] = {}
        self.not_allowed: set[tuple[str, str]] = set()
        self.counters = write_counters()
        self.requests = 0
        # A valid CSRF token, checked: a refusal must not be a CSRF failure.
        client.handler.enforce_csrf_checks = True
        self.csrf = get_random_string(32)
        client.cookies["csrftoken"] = self.csrf
        client.raise_request_exception = False
        checked = client.post(
            "/i18n/setlang/",
            {"language": "fr", "next": "/", "csrfmiddlewaretoken": self.csrf},
            HTTP_X_CSRFTOKEN=self.csrf,
        )
        assert checked.status_code == 302, "the probes' CSRF token is refused"

    def send(self, method: str, path: str, access: Access, *, api: bool):
        kwargs = {"HTTP_X_CSRFTOKEN": self.csrf}
        if method == "GET":
            response = self.client.get(path, **kwargs)
        elif access.upload and method == "POST":
            body = dict(access.body or (self.json if api else self.form))
            body[access.upload] = SimpleUploadedFile("piece.pdf", PDF_BYTES, "application/pdf")
            body["csrfmiddlewaretoken"] = self.csrf
            response = self.client.post(path, body, **kwargs)
        elif api:
            body = access.body if access.body is not None else self.json
            response = self.client.generic(
                method, path, json.dumps(body), content_type="application/json", **kwargs
            )
        else:
            # Urlencoded, as a browser sends a form without a file (and cheaper to parse).
            body = dict(access.body if access.body is not None else self.form)
            body["csrfmiddlewaretoken"] = self.csrf
            response = self.client.generic(
                method, path, urlencode(body), "application/x-www-form-urlencoded", **kwargs
            )
        self.requests += 1
        if response.status_code == 429:  # throttled: the rate is not what is under test
            from django.core.cache import cache

            cache.clear()
            return self.send(method, path, access, api=api)
        return response

    def probe(
        self, endpoint, access, method, values, *, thing: Thing | None, refused: bool, query=None
    ):
        unsupported = (endpoint.key, method)
        if unsupported in self.not_allowed:
            return  # the view refuses the method itself (405), whatever object the URL names
        path = build_path(endpoint, values)
        if query:
            path += "?" + urlencode(query)
        api = is_api(endpoint)
        response = self.send(method, path, access, api=api)
        if query and method == "GET" and response.status_code == 303:
            # A search term is kept server-side (ess.private_search): the page answers with a
            # redirect to an opaque search id, whose page holds the results to look into.
            response = self.client.get(response["Location"])
        body = read_body(response)
        after = write_counters()
        written = written_tables(self.counters, after)
        self.counters = after
        where = f"{self.persona} {method} {path} [{endpoint.key}]"
        if thing is not None:
            where += f" on the {thing.label}"
        status = response.status_code
        if status == 405 and refused:
            self.not_allowed.add(unsupported)
        if status >= 500:
            self.problems.append(f"{where}: server error {status}")
        if refused and 200 <= status < 300:
            self.problems.append(f"{where}: answered {status}, must be refused")
        if refused and 300 <= status < 400 and not access.refuses_by_redirect:
            target = response.get("Location", "")
            if not target.startswith(SIGN_IN_PATHS):
                self.problems.append(
                    f"{where}: refused with a redirect to {target} — a form error rather than "
                    "the access rules? Give its registry entry a plausible body"
                )
        if status == 403 and ("csrf verification failed" in body or "csrf failed" in body):
            self.problems.append(f"{where}: refused by the CSRF check, not by the access rules")
        if not refused:
            written = [table for table in written if table not in ALLOWED_GET_WRITES]
        if written:
            what = "a refused request" if refused else "a GET"
            self.problems.append(f"{where}: {what} wrote to {', '.join(written)}")
        leaked = sorted(m for m in self.hidden if m in body)
        if leaked:
            self.problems.append(f"{where}: carries hidden patient data {leaked}")
        if self.persona == "authority" and not leaked:
            named = sorted(m for m in self.every_patient if m in body)
            if named:
                self.problems.append(f"{where}: shows nominative data to an authority {named}")
        if thing is not None and self.persona not in thing.visible_to and status != 405:
            ghost = self.ghost(endpoint, access, method, values, thing)
            if ghost != status:
                self.problems.append(
                    f"{where}: answers {status} but {ghost} for an object that does not exist "
                    "(reveals that it exists)"
                )
        return response

    def ghost(self, endpoint, access, method, values, thing) -> int:
        """The status for the same URL naming objects that do not exist."""
        fake = {
            arg: str(uuid.uuid4()) if value in thing.ids.values() else value
            for arg, value in values.items()
        }
        key = (
            endpoint.key,
            method,
            tuple(sorted((k, v) for k, v in values.items() if k not in access.ids)),
        )
        if key not in self.ghost_status:
            path = build_path(endpoint, fake)
            response = self.send(method, path, access, api=is_api(endpoint))
            read_body(response)
            self.counters = write_counters()
            self.ghost_status[key] = response.status_code
        return self.ghost_status[key]


@contextmanager
def quiet_refusals():
    """Django logs every 403/404/405 with its traceback: thousands of them here. Server errors
    are still logged."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def probeable_endpoints():
    """Endpoints and their rules; format-suffix twins of API routes are the same views."""
    return [(e, access_for(e)) for e in endpoints() if not e.is_format_suffix and access_for(e)]


API_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def methods_of(endpoint: Endpoint, access: Access) -> list[str]:
    """Pages: GET and POST (a read page must refuse a POST too). API: every method, those the
    schema does not list being refused to everyone."""
    return list(API_METHODS) if is_api(endpoint) else ["GET", "POST"]


def who_for(endpoint: Endpoint, access: Access, method: str) -> Who:
    if method in access.methods:
        return access.methods[method]
    return NOBODY if is_api(endpoint) else access.methods["GET"]


# The admin checks is_staff, never a role: its whole tree (every model's pages) is probed signed
# out and as a manager, the most likely persona to be given it by mistake; the others probe its
# index only.
ADMIN_TREE_PERSONAS = ("anonymous", "manager")
# Public pages are the same for everyone: read as anonymous, and as an authority user (who must
# never see a patient's name anywhere).
PUBLIC_READERS = ("anonymous", "authority")


def skipped(persona: str, endpoint: Endpoint, access: Access) -> bool:
    admin = any(who.kind == "admin" for who in access.methods.values())
    if admin and persona not in ADMIN_TREE_PERSONAS:
        return endpoint.name != "admin:index"
    return False


def run_matrix(persona: str, client, world: World) -> Prober:
    prober = Prober(persona, client, world)
    for endpoint, access in probeable_endpoints():
        if skipped(persona, endpoint, access):
            continue
        for fixed in access.fixed:
            for method in methods_of(endpoint, access):
                who = who_for(endpoint, access, method)
                allowed = who.allows(persona)
                if not access.obj:
                    if who.kind == "token":
                        refused = access.bad_token_refused
                        prober.probe(
                            endpoint, access, method, dict(fixed), thing=None, refused=refused
                        )
                    elif not allowed:
                        prober.probe(
                            endpoint, access, method, dict(fixed), thing=None, refused=True
                        )
                    elif method == "GET" and (who.kind != "public" or persona in PUBLIC_READERS):
                        prober.probe(
                            endpoint,
                            access,
                            method,
                            dict(fixed),
                            thing=None,
                            refused=False,
                            query=access.query,
                        )
                    continue
                things = [t for kind in access.obj for t in world.things[kind]]
                if who is NOBODY:
                    # A method the API does not route never reaches the object: one probe.
                    things = things[:1]
                for thing in things:
                    values = {arg: thing.ids[name] for arg, name in access.ids.items()}
                    values.update(fixed)
                    visible = persona in thing.visible_to
                    if allowed and visible:
                        if method == "GET":
                            prober.probe(
                                endpoint, access, method, values, thing=thing, refused=False
                            )
                        continue
                    prober.probe(endpoint, access, method, values, thing=thing, refused=True)
    return prober
