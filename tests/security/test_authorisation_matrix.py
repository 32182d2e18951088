"""The authorisation matrix: every persona (and anonymous) × every URL of the platform and every
operation of the OpenAPI schema × the objects they must not see or change.

Who may use what is written once, in tests/security/access_registry.py; the objects come from
tests/security/world.py, built once for the module; tests/security/matrix.py sends the requests.
A probe that must be refused must answer without a 2xx, write nothing, carry none of the hidden
patients' data, and answer for an object the persona may not see exactly what it answers for an
object that does not exist (404 never reveals existence). Allowed pages are read too: they must
not carry the data of patients the persona may not see, and an authority user's never carry any
patient's.
"""

import re
import uuid

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import resolve

from tests.security.access_registry import REGISTRY
from tests.security.matrix import (
    Prober,
    build_path,
    endpoints,
    is_api,
    methods_of,
    probeable_endpoints,
    quiet_refusals,
    read_body,
    run_matrix,
    schema_operations,
    schema_url_name,
    storages,
    unclassified_endpoints,
    who_for,
)
from tests.security.world import PERSONAS, build_world

# The world below is built once per module: in a parallel run its tests stay on one worker.
pytestmark = [pytest.mark.postgres, pytest.mark.xdist_group("authorisation_matrix")]

REGISTRY_FILE = "tests/security/access_registry.py"


# ---------------------------------------------------------------------------------------------
# Classification: a URL or an operation nobody classified fails here, naming it.
# ---------------------------------------------------------------------------------------------
def test_every_url_pattern_is_classified(db):
    missing = [f"{e.key}  (/{e.route})" for e in unclassified_endpoints()]
    assert not missing, (
        f"{len(missing)} URL(s) have no access rule. Say who may use each one in {REGISTRY_FILE} "
        "(REGISTRY, keyed by URL name):\n  " + "\n  ".join(missing)
    )


def test_a_new_url_is_named_until_someone_says_who_may_use_it(db, settings):
    settings.ROOT_URLCONF = "tests.security.urls_with_a_new_page"

    assert [e.key for e in unclassified_endpoints()] == ["new_page"]


def test_every_api_operation_is_classified_with_its_method(db):
    problems = []
    for method, path in schema_operations():
        name = schema_url_name(path)
        access = REGISTRY.get(name)
        if access is None:
            problems.append(f"{method} {path} ({name}): no entry")
        elif method not in access.methods:
            problems.append(f"{method} {path} ({name}): method not classified")
    assert not problems, (
        f"OpenAPI operations without an access rule; classify them in {REGISTRY_FILE}:\n  "
        + "\n  ".join(problems)
    )


def test_the_registry_names_only_urls_and_operations_that_exist(db):
    names = {e.name for e in endpoints() if e.name}
    routes = [e.route for e in endpoints()]
    stale = sorted(
        key
        for key in set(REGISTRY) - names
        if not (key.endswith("/*") and any(r.startswith(key[:-1]) for r in routes))
    )
    by_name: dict[str, set[str]] = {}
    for method, path in schema_operations():
        by_name.setdefault(schema_url_name(path), set()).add(method)
    for name, access in REGISTRY.items():
        if name.startswith("api:") and set(access.methods) != by_name.get(name, set()):
            stale.append(
                f"{name}: {sorted(access.methods)} ≠ schema {sorted(by_name.get(name, []))}"
            )
    assert not stale, f"Entries of {REGISTRY_FILE} that match nothing:\n  " + "\n  ".join(stale)


def test_every_probed_path_resolves_to_its_own_pattern(db):
    wrong = []
    for endpoint, access in probeable_endpoints():
        for fixed in access.fixed:
            values = {arg: str(uuid.uuid4()) for arg in access.ids} | fixed
            path = build_path(endpoint, values)
            match = resolve(path)
            if endpoint.name and match.view_name != endpoint.name:
                wrong.append(f"{endpoint.key}: {path} resolves to {match.view_name}")
    assert not wrong, "\n".join(wrong)


# ---------------------------------------------------------------------------------------------


# The world, built once for the module (inside a transaction rolled back at the end)
# ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    storage = tmp_path_factory.mktemp("private")
    overrides = {
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
        "PRIVATE_STORAGE_ROOT": storage,
        "STORAGES": storages(storage),
    }
    with django_db_blocker.unblock(), override_settings(**overrides), transaction.atomic():
        built = build_world()
        built.extra["storage"] = str(storage)
        yield built
        transaction.set_rollback(True)


@pytest.fixture
def in_world(world, postgres, settings, _test_settings):
    """Each test sees the module's world (its files included) and rolls its own changes back."""
    settings.PRIVATE_STORAGE_ROOT = world.extra["storage"]
    settings.STORAGES = storages(world.extra["storage"])
    return world


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_is_refused_wherever_the_registry_says_so(
    in_world, persona, client, client_for
):
    http = client if persona == "anonymous" else client_for(in_world.users[persona])

    with quiet_refusals():
        prober = run_matrix(persona, http, in_world)

    assert prober.requests > 100
    shown = prober.problems[:60]
    assert not prober.problems, (
        f"{len(prober.problems)} problem(s) for {persona} over {prober.requests} requests:\n  "
        + "\n  ".join(shown)
    )


# ---------------------------------------------------------------------------------------------
# The matrix can fail: the objects it hides are real, and its checks see a leak or a write.
# ---------------------------------------------------------------------------------------------
# Pages that show one object to whoever may see it → whether they show the patient's name.
SHOWN_TO_ITS_READERS = {
    "pathways:detail": True,
    "pathways:task": True,
    "pathways:alert": True,
    "referrals:detail": True,
    "api:referral-detail": True,
    "api:referral-messages": False,
    "referrals:attachment": False,
    "scheduling:consultation_day_sheet": True,
    "api:consultation-session-detail": False,
    "members:membership_detail": False,
    "api:member-detail": False,
    "partners:detail": False,
    "partners:convention_detail": False,
    "partners:convention_document": False,
    "projet_sante:project_version": False,
    "api:project-version-detail": False,
    "projet_sante:project_annex_download": False,
    "projet_sante:report_detail": False,
    "projet_sante:newsletter_detail": False,
    # A participant who does not follow a case's patient reads the meeting without their name.
    "meetings:detail": False,
    "meetings:minutes_pdf": False,
}


def test_the_objects_the_matrix_hides_are_shown_to_those_who_may_see_them(in_world, client_for):
    endpoints_by_name = {e.name: e for e, _ in probeable_endpoints()}
    visits: dict[str, list] = {}
    for name, shows_patient in SHOWN_TO_ITS_READERS.items():
        endpoint, access = endpoints_by_name[name], REGISTRY[name]
        for kind in access.obj:
            for thing in in_world.things[kind]:
                path = build_path(endpoint, {a: thing.ids[k] for a, k in access.ids.items()})
                for persona in thing.visible_to - {"anonymous"}:
                    if access.methods["GET"].allows(persona):
                        visits.setdefault(persona, []).append((path, thing, shows_patient))
    wrong = []
    with quiet_refusals():
        for persona, pages in sorted(visits.items()):
            http = client_for(in_world.users[persona])
            for path, thing, shows_patient in pages:
                response = http.get(path)
                body = read_body(response)
                if response.status_code != 200:
                    wrong.append(f"{persona} {path}: {response.status_code}")
                elif shows_patient and not any(m.lower() in body for m in thing.markers):
                    wrong.append(f"{persona} {path}: the patient's name is not shown")
    assert sum(len(pages) for pages in visits.values()) > 60
    assert not wrong, "\n".join(wrong)


def test_the_probes_report_a_leak_a_revealed_object_and_a_write(in_world, client_for):
    """A coordinator's client probed as if it were a requester's: every object is open to it,
    so the checks that protect requesters must all fire."""
    endpoints_by_name = {e.name: e for e, _ in probeable_endpoints()}
    prober = Prober("requester", client_for(in_world.users["coordinator"]), in_world)
    stranger = next(
        t for t in in_world.things["referral.submitted"] if not {"requester"} & t.visible_to
    )
    values = {"public_id": stranger.ids["referral"]}

    with quiet_refusals():
        prober.probe(
            endpoints_by_name["referrals:detail"],
            REGISTRY["referrals:detail"],
            "GET",
            values,
            thing=stranger,
            refused=True,
        )
        prober.probe(
            endpoints_by_name["referrals:request_info"],
            REGISTRY["referrals:request_info"],
            "POST",
            values,
            thing=stranger,
            refused=True,
        )

    problems = "\n".join(prober.problems)
    assert "answered 200, must be refused" in problems
    assert "carries hidden patient data" in problems
    assert "reveals that it exists" in problems
    assert re.search(r"request_info.*: a refused request wrote to .*referrals_referral\b", problems)


def test_every_object_url_finds_its_object_for_a_persona_allowed_to_use_it(in_world, client_for):
    """The refusals above prove nothing if a URL names its objects wrongly, or names objects
    that do not exist (a 404 for everyone, like a ghost). Here every object URL is used on
    every object by a persona allowed to (GET, or POST where the view takes only POST): never
    a 404, and never a 403 either (the registry is no more generous than the application).
    Each request runs in a savepoint rolled back at once: the world stays as it was built."""
    uses: dict[str, list] = {}
    for endpoint, access in probeable_endpoints():
        for fixed in access.fixed if access.obj else ():
            for kind in access.obj:
                for thing in in_world.things[kind]:
                    values = {a: thing.ids[k] for a, k in access.ids.items()} | fixed
                    for persona in sorted(thing.visible_to - {"anonymous"}):
                        methods = [
                            m
                            for m in methods_of(endpoint, access)
                            if who_for(endpoint, access, m).allows(persona)
                        ]
                        if methods:
                            uses.setdefault(persona, []).append(
                                (endpoint, access, methods, values, thing)
                            )
                            break
    wrong = []
    with quiet_refusals():
        for persona, probes in sorted(uses.items()):
            prober = Prober(persona, client_for(in_world.users[persona]), in_world)
            for endpoint, access, methods, values, thing in probes:
                for method in methods:
                    savepoint = transaction.savepoint()
                    path = build_path(endpoint, values)
                    response = prober.send(method, path, access, api=is_api(endpoint))
                    read_body(response)
                    transaction.savepoint_rollback(savepoint)
                    if response.status_code != 405:
                        break
                status = response.status_code
                if status in (403, 404, 405) or status >= 500:
                    wrong.append(
                        f"{persona} {method} {path} [{endpoint.key}] on the {thing.label}: {status}"
                    )
    assert sum(len(probes) for probes in uses.values()) > 150
    assert not wrong, "\n".join(wrong)


def test_the_patient_search_finds_the_callers_own_patients(in_world, client_for):
    """The matrix searches every test patient's name on the requester's list and finds none of
    the others': the same search does find the requester's own."""
    response = client_for(in_world.users["requester"]).get(
        "/demandes/", {"q": "QZXNOM"}, follow=True
    )

    body = read_body(response)
    own = [
        t.markers
        for kind, things in in_world.things.items()
        if kind.startswith("referral.")
        for t in things
        if "requester" in t.visible_to
    ]
    assert len(own) == 5
    assert all(any(m.lower() in body for m in markers) for markers in own)


def test_the_calendar_feed_names_no_patient(in_world, client):
    """No sign-in for a calendar app: the token is the credential, so the feed carries times
    and references only, never a patient's identity."""
    token = in_world.extra["calendar_token"]

    response = client.get(f"/consultations-avancees/ical/{token}.ics")

    body = read_body(response)
    assert response.status_code == 200
    assert "BEGIN:VEVENT".lower() in body
    assert not [m for m in in_world.all_patient_markers() if m.lower() in body]
