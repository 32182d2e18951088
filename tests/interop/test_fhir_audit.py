"""Access traces as FHIR AuditEvent: the managers (who read /audit/) search the trail by a
patient's INS, by a user, by a period in Europe/Paris, page by page; nobody else does, and no
registered platform."""

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from fhir.resources.R4B.auditevent import AuditEvent as FhirAuditEvent
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.operationoutcome import OperationOutcome

from ess.api_auth import token_issue
from ess.models import AuditAction, AuditEvent, AuditOutcome
from interop.platforms import register_platform
from tests.factories import (
    PathwayFactory,
    PatientFactory,
    ReferralFactory,
    UserFactory,
    valid_nir,
    valid_rpps,
)

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
NIR_SYSTEM = "urn:oid:1.2.250.1.213.1.4.8"
URL = "/fhir/AuditEvent"


def paris(*args) -> datetime:
    return datetime(*args, tzinfo=PARIS)


def trace(obj_type: str, obj_id, *, at=None, actor=None, **fields) -> AuditEvent:
    return AuditEvent.objects.create(
        at=at or paris(2026, 3, 10, 9, 0),
        actor=actor,
        actor_email=actor.email if actor else "",
        action=fields.pop("action", AuditAction.VIEW),
        object_type=obj_type,
        object_id=str(obj_id),
        ip_address="192.0.2.7",
        **fields,
    )


@pytest.fixture
def fhir_client(client_for, manager):
    return client_for(manager)


def bundle_of(response) -> Bundle:
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/fhir+json")
    return Bundle.model_validate_json(response.content)


def ids(bundle: Bundle) -> set[int]:
    return {int(entry.resource.id) for entry in bundle.entry or []}


@pytest.fixture
def world(specialist):
    """Two patients' objects in the trail, and rows about other things."""
    alice = PatientFactory(
        ins=valid_nir("2690545234123"), ins_oid=NIR_SYSTEM.removeprefix("urn:oid:")
    )
    bob = PatientFactory(ins=valid_nir("1720875056123"))
    referral = ReferralFactory(patient=alice)
    pathway = PathwayFactory(patient=alice)
    rows = {
        "alice": [
            trace("referrals.patient", alice.public_id, actor=specialist),
            trace("referrals.referral", referral.public_id, actor=specialist, object_label="ESS-1"),
            trace("pathways.pathway", pathway.public_id, actor=specialist),
            trace(
                "referrals.referral",
                referral.public_id,
                actor=None,
                outcome=AuditOutcome.REFUSED,
            ),
        ],
        "bob": [
            trace("referrals.referral", ReferralFactory(patient=bob).public_id, actor=specialist),
            trace("referrals.patient", bob.public_id, actor=specialist),
        ],
        "other": [
            trace("events.training", uuid.uuid4(), actor=specialist, action=AuditAction.PRINT),
            trace("referrals.referral", "not-a-uuid", outcome=AuditOutcome.REFUSED),
        ],
    }
    return {"alice": alice, "bob": bob, "referral": referral, "rows": rows}


# ---------------------------------------------------------------------------------------------
# Search
# ---------------------------------------------------------------------------------------------
def test_a_search_by_ins_returns_exactly_the_traces_of_that_patients_objects(fhir_client, world):
    alice = world["alice"]

    bundle = bundle_of(fhir_client.get(URL, {"patient.identifier": f"{NIR_SYSTEM}|{alice.ins}"}))

    assert bundle.type == "searchset"
    assert ids(bundle) == {row.pk for row in world["rows"]["alice"]}
    for entry in bundle.entry:
        patient = [e for e in entry.resource.entity if e.role.code == "1" and e.type.code == "1"]
        assert patient[0].what.identifier.system == NIR_SYSTEM
        assert patient[0].what.identifier.value == alice.ins


def test_the_ins_alone_and_entity_identifier_find_the_same_traces(fhir_client, world, manager):
    alice = world["alice"]
    expected = {row.pk for row in world["rows"]["alice"]}

    alone = bundle_of(fhir_client.get(URL, {"patient.identifier": alice.ins}))
    entity = bundle_of(fhir_client.get(URL, {"entity.identifier": f"{NIR_SYSTEM}|{alice.ins}"}))
    reference = bundle_of(fhir_client.get(URL, {"patient": f"Patient/{alice.public_id}"}))

    # Each search is itself a trace on the patient, found by the next one.
    reads = set(AuditEvent.objects.filter(actor=manager).values_list("pk", flat=True))
    assert len(reads) == 3
    assert ids(alone) == expected
    assert ids(entity) - reads == ids(reference) - reads == expected
    assert len(ids(reference) & reads) == 2


def test_an_unknown_ins_finds_nothing_and_a_malformed_one_is_a_french_400(fhir_client, world):
    unknown = bundle_of(fhir_client.get(URL, {"patient.identifier": valid_nir("1010175056999")}))
    bad = fhir_client.get(URL, {"patient.identifier": f"{NIR_SYSTEM}|123"})

    assert not unknown.entry
    assert bad.status_code == 400
    assert "15 caractères" in OperationOutcome.model_validate_json(bad.content).issue[0].diagnostics


def test_each_trace_is_an_audit_event_naming_who_what_when_and_the_outcome(fhir_client, world):
    referral = world["referral"]
    rows = world["rows"]["alice"]

    bundle = bundle_of(fhir_client.get(URL, {"entity.identifier": str(referral.public_id)}))
    by_id = {int(e.resource.id): e.resource for e in bundle.entry}

    allowed, refused = by_id[rows[1].pk], by_id[rows[3].pk]
    assert FhirAuditEvent.model_validate(allowed.model_dump())
    assert (allowed.type.code, allowed.action, allowed.outcome) == ("110110", "R", "0")
    assert allowed.recorded == rows[1].at
    assert allowed.agent[0].requestor is True
    assert allowed.agent[0].who.identifier.value == f"mailto:{rows[1].actor_email}"
    assert allowed.agent[0].network.address == "192.0.2.7"
    assert allowed.entity[0].what.identifier.value == str(referral.public_id)
    assert allowed.entity[0].type.code == "referrals.referral"
    assert allowed.entity[0].what.display == "ESS-1"
    assert allowed.source.observer.display
    assert (refused.outcome, refused.agent[0].name) == ("4", "anonyme")
    # Identifiers only: no name of the patient anywhere.
    assert world["alice"].birth_name not in bundle.model_dump_json()


def test_a_search_by_user_by_email_or_national_id(fhir_client, world, specialist):
    doctor = UserFactory(specialist=True, rpps=valid_rpps("1000000001"))
    mine = [
        trace("referrals.patient", world["bob"].public_id, actor=doctor),
        trace("referrals.referral", uuid.uuid4(), actor=doctor, via="token:abcd1234"),
    ]

    by_email = bundle_of(fhir_client.get(URL, {"agent": doctor.email.upper()}))
    by_rpps = bundle_of(
        fhir_client.get(URL, {"agent.identifier": f"urn:oid:1.2.250.1.71.4.2.1|8{doctor.rpps}"})
    )

    assert ids(by_email) == ids(by_rpps) == {row.pk for row in mine}
    rest = next(e.resource for e in by_rpps.entry if int(e.resource.id) == mine[1].pk)
    assert rest.type.code == "rest"
    assert rest.agent[0].who.identifier.value == f"8{doctor.rpps}"
    assert rest.agent[0].altId == "token:abcd1234"


def test_a_period_is_read_in_paris_time_boundaries_included(fhir_client, db):
    before = trace("referrals.referral", uuid.uuid4(), at=paris(2026, 2, 28, 23, 59))
    first = trace("referrals.referral", uuid.uuid4(), at=paris(2026, 3, 1, 0, 30))
    last = trace("referrals.referral", uuid.uuid4(), at=paris(2026, 3, 31, 23, 59))
    after = trace("referrals.referral", uuid.uuid4(), at=paris(2026, 4, 1, 0, 0))

    march = bundle_of(fhir_client.get(URL + "?date=ge2026-03-01&date=le2026-03-31"))
    month = bundle_of(fhir_client.get(URL, {"date": "2026-03"}))
    since = bundle_of(fhir_client.get(URL, {"date": "gt2026-03-31"}))

    assert ids(march) == ids(month) == {first.pk, last.pk}
    assert after.pk in ids(since) and before.pk not in ids(since)


def test_a_bad_date_or_parameter_is_refused_in_french(fhir_client, db):
    date = fhir_client.get(URL, {"date": "ge31/03/2026"})
    unknown = fhir_client.get(URL, {"name": "MARTIN"})
    cursors = [fhir_client.get(URL, {"_cursor": c}) for c in ("x", "1.2.3", "9" * 40 + ".1")]

    assert date.status_code == unknown.status_code == 400
    assert [r.status_code for r in cursors] == [400, 400, 400]
    assert "n'est pas une date" in date.json()["issue"][0]["diagnostics"]
    assert "non pris en charge" in unknown.json()["issue"][0]["diagnostics"]


def test_pages_follow_next_links_newest_first_in_constant_queries(
    fhir_client, db, django_assert_max_num_queries
):
    at = paris(2026, 3, 10, 9, 0)
    rows = [trace("referrals.referral", uuid.uuid4(), at=at) for _ in range(4)]  # same instant
    rows += [
        trace("referrals.referral", uuid.uuid4(), at=paris(2026, 3, 9, h, 0)) for h in range(3)
    ]
    query = {"date": "2026-03", "_count": "3"}

    seen, url, pages = [], URL + "?date=2026-03&_count=3", 0
    while url:
        with django_assert_max_num_queries(7):
            bundle = bundle_of(fhir_client.get(url))
        pages += 1
        seen += [int(e.resource.id) for e in bundle.entry]
        url = next((link.url for link in bundle.link if link.relation == "next"), None)
        assert pages <= 3
    assert pages == 3
    expected = sorted(rows, key=lambda r: (r.at, r.pk), reverse=True)
    assert seen == [r.pk for r in expected]
    # The same queries for a page of 3 and a page of 200.
    with django_assert_max_num_queries(7):
        bundle_of(fhir_client.get(URL, {**query, "_count": "200"}))


def test_reading_the_trail_is_itself_recorded(fhir_client, world, manager):
    alice = world["alice"]

    fhir_client.get(URL, {"patient.identifier": alice.ins})
    fhir_client.get(URL)

    patient_read, trail_read = AuditEvent.objects.filter(actor=manager).order_by("pk")
    assert (patient_read.object_type, patient_read.object_id) == (
        "referrals.patient",
        str(alice.public_id),
    )
    assert patient_read.object_label == "traces d'accès (AuditEvent)"
    assert (trail_read.object_type, trail_read.object_id) == ("ess.auditevent", "journal")
    # The INS searched for stays out of the recorded path.
    assert alice.ins not in patient_read.path


def test_an_api_token_of_a_manager_reads_the_trail(client, manager, world):
    _, key = token_issue(user=manager, name="Outil du DPO", scope="read")

    response = client.get(URL, HTTP_AUTHORIZATION=f"Token {key}")

    assert len(bundle_of(response).entry) == 8
    assert AuditEvent.objects.filter(actor=manager).get().via.startswith("token:")


# ---------------------------------------------------------------------------------------------
# Refusals
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("persona", ["coordinator", "specialist", "requester", "authority"])
def test_other_roles_are_refused_with_an_operation_outcome(client_for, request, persona, world):
    user = request.getfixturevalue(persona)

    response = client_for(user).get(URL, {"patient.identifier": world["alice"].ins})

    assert response.status_code == 403
    assert OperationOutcome.model_validate_json(response.content).issue[0].code == "forbidden"
    assert world["alice"].ins not in response.text
    refusal = AuditEvent.objects.get(actor=user, object_type="ess.auditevent")
    assert (refusal.outcome, refusal.object_id) == (AuditOutcome.REFUSED, "journal")


def test_a_registered_platform_never_reads_the_trail(client, world):
    _, token = register_platform(name="Plateforme régionale", scopes=["teleexpertise", "slots"])

    response = client.get(URL, HTTP_AUTHORIZATION=f"Bearer {token}")

    assert response.status_code == 403
    assert "plateforme" in response.json()["issue"][0]["diagnostics"]


def test_signed_out_gets_401(client, world):
    response = client.get(URL)

    assert response.status_code == 401
    assert OperationOutcome.model_validate_json(response.content).issue[0].code == "login"


def test_a_session_does_not_carry_a_write(fhir_client, db):
    response = fhir_client.post(URL, {}, content_type="application/fhir+json")

    assert response.status_code in (401, 403, 405)


def test_the_capability_statement_lists_the_search(client):
    statement = CapabilityStatement.model_validate_json(client.get("/fhir/metadata").content)

    audit = next(r for r in statement.rest[0].resource if r.type == "AuditEvent")
    assert {p.name for p in audit.searchParam} >= {"patient.identifier", "agent", "date"}


# ---------------------------------------------------------------------------------------------
# A trail of millions of rows: each search is served by an index
# ---------------------------------------------------------------------------------------------
@pytest.fixture
def long_trail(world):
    """The trail as it is in service: tens of thousands of lines about other objects, over a
    year and a half, and the statistics PostgreSQL keeps of them (both rolled back with the
    test). On a near-empty table every plan costs the same and the planner's pick says nothing."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO ess_auditevent (at, actor_email, action, object_type, object_id,
                object_label, user_agent, path, via, outcome)
            SELECT TIMESTAMPTZ '2025-06-01' + n * INTERVAL '23 minutes', '', 'view',
                (ARRAY['referrals.referral', 'referrals.patient', 'pathways.pathway',
                       'events.training'])[1 + n % 4],
                md5(n::text)::uuid::text, '', '', '', '', 'allowed'
            FROM generate_series(1, 40000) AS n
            """
        )
        cursor.execute("ANALYZE ess_auditevent")


@pytest.mark.parametrize(
    "query, indexes",
    [
        ({"patient.identifier": "PATIENT"}, ("audit_object",)),
        ({"agent": "AGENT", "date": "ge2026-03-01"}, ("audit_actor", "ess_auditevent_actor_id")),
        ({"date": "ge2026-03-01", "_cursor": "1773100000000000.42"}, ("ess_auditevent_at",)),
    ],
)
def test_each_search_reads_an_index_of_the_trail(long_trail, world, specialist, query, indexes):
    from django.http import QueryDict

    from interop.fhir.audit_events import parse_search, search_rows
    from tests.query_plans import plan_without_seqscan

    params = QueryDict(mutable=True)
    for name, value in query.items():
        value = value.replace("PATIENT", world["alice"].ins).replace("AGENT", specialist.email)
        params[name] = value
    rows = search_rows(AuditEvent.objects.all(), parse_search(params))

    plan = plan_without_seqscan(rows[:51])
    assert any(index in plan for index in indexes), plan
    assert "Seq Scan on ess_auditevent" not in plan, plan
    if "patient.identifier" in query:
        # The patient's lines are found by their objects, not by reading the trail by date.
        assert "ess_auditevent_at" not in plan, plan
    assert [row.pk for row in rows[:51]] == [
        row.pk for row in sorted(rows, key=lambda r: (r.at, r.pk), reverse=True)[:51]
    ]


def test_a_patients_pages_cost_the_same_queries_however_many_objects_they_name(
    fhir_client, world, django_assert_max_num_queries
):
    alice = world["alice"]
    for _ in range(30):
        trace("referrals.referral", ReferralFactory(patient=alice).public_id)
    query = {"patient.identifier": alice.ins, "_count": "10"}

    with django_assert_max_num_queries(9):
        first = bundle_of(fhir_client.get(URL, query))
    next_url = next(link.url for link in first.link if link.relation == "next")
    with django_assert_max_num_queries(9):
        second = bundle_of(fhir_client.get(next_url))

    assert len(first.entry) == len(second.entry) == 10
    assert not ids(first) & ids(second)
