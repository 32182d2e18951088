"""The SAS reads the free places members opened to it: `/fhir/Slot` and `/fhir/Schedule`."""

import itertools
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.schedule import Schedule
from fhir.resources.R4B.slot import Slot

from ess.models import Specialty
from interop.platforms import register_platform
from scheduling.models import Absence, Appointment
from tests.factories import (
    ConsultationSessionFactory,
    ReferralFactory,
    SlotFactory,
    UserFactory,
    valid_rpps,
)

pytestmark = pytest.mark.django_db

IDNPS = "urn:oid:1.2.250.1.71.4.2.1"
_rpps = itertools.count(1)


def specialist_with_rpps(**kwargs):
    return UserFactory(
        specialist=True, rpps=valid_rpps(f"1{next(_rpps):09d}"), last_name="Martin", **kwargs
    )


@pytest.fixture
def sas(client):
    """A SAS platform's client: `sas.get(path, **params)`."""
    _, token = register_platform(name="SAS Centre-Val de Loire", scopes=["slots"])

    class Sas:
        def get(self, path, params=None):
            return client.get(path, params or {}, HTTP_AUTHORIZATION=f"Bearer {token}")

    return Sas()


def bundle_of(response) -> Bundle:
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/fhir+json")
    return Bundle.model_validate_json(response.content)


def matches(bundle: Bundle) -> list:
    return [e.resource for e in bundle.entry or [] if e.search.mode == "match"]


def included(bundle: Bundle, kind: str) -> list:
    return [
        e.resource
        for e in bundle.entry or []
        if e.search.mode == "include" and e.resource.get_resource_type() == kind
    ]


def soon(days=1, hour=10):
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(timezone.datetime.combine(day, timezone.datetime.min.time())) + (
        timedelta(hours=hour)
    )


@pytest.fixture
def world(territory):
    """A specialist's places, opened to the SAS or not, free or not, in the period or not."""
    doctor = specialist_with_rpps()
    absent_doctor = specialist_with_rpps()
    Absence.objects.create(
        specialist=absent_doctor,
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + timedelta(days=10),
    )
    open_slot = SlotFactory(specialist=doctor, starts_at=soon(1), sas_open=True)
    tele = SlotFactory(
        specialist=doctor, starts_at=soon(2), sas_open=True, teleconsultation=True, place=""
    )
    SlotFactory(specialist=doctor, starts_at=soon(1, 14))  # not opened to the SAS
    SlotFactory(specialist=doctor, starts_at=soon(2, 14), sas_open=True, booked=1)  # full
    SlotFactory(specialist=doctor, starts_at=soon(12), sas_open=True)  # after the period
    SlotFactory(
        specialist=doctor,
        starts_at=timezone.now() - timedelta(minutes=30),
        sas_open=True,
    )  # begun
    SlotFactory(specialist=absent_doctor, starts_at=soon(3), sas_open=True)  # absent
    SlotFactory(
        specialist=UserFactory(specialist=True), starts_at=soon(3), sas_open=True
    )  # no RPPS
    session = ConsultationSessionFactory(specialist=doctor, sas_open=True)  # 9:00, 2 × 30 min
    Appointment.objects.create(
        session=session,
        referral=ReferralFactory(),
        position=0,
        starts_at=session.starts_at,
        booked_by=doctor,
    )
    ConsultationSessionFactory(specialist=doctor, date=timezone.localdate() + timedelta(days=4))
    ConsultationSessionFactory(
        specialist=doctor,
        sas_open=True,
        status="cancelled",
        date=timezone.localdate() + timedelta(days=5),
    )
    ConsultationSessionFactory(
        specialist=doctor,
        sas_open=True,
        status="draft",
        date=timezone.localdate() + timedelta(days=6),
    )
    return {
        "doctor": doctor,
        "open_slot": open_slot,
        "tele": tele,
        "session": session,
        "session_place": f"{session.public_id.hex}-1",
    }


def test_the_search_returns_exactly_the_free_places_opened_to_the_sas_in_the_period(sas, world):
    bundle = bundle_of(sas.get("/fhir/Slot", {"status": "free"}))

    slots = matches(bundle)
    assert bundle.type == "searchset"
    assert bundle.total == 3
    assert [s.id for s in slots] == [
        str(world["open_slot"].public_id),
        str(world["tele"].public_id),
        world["session_place"],
    ]
    assert all(isinstance(s, Slot) and s.status == "free" for s in slots)
    place = slots[2]
    assert place.start == world["session"].starts_at + timedelta(minutes=30)
    assert place.end == world["session"].starts_at + timedelta(minutes=60)
    assert place.specialty[0].coding[0].code == "cardiologie"
    assert place.serviceType[0].coding[0].code == "consultation-avancee"
    assert slots[1].serviceType[1].coding[0].code == "teleconsultation"


def test_the_period_is_searched_with_start_ge_and_lt(sas, world):
    day = (timezone.localdate() + timedelta(days=1)).isoformat()
    next_day = (timezone.localdate() + timedelta(days=2)).isoformat()

    bundle = bundle_of(sas.get(f"/fhir/Slot?start=ge{day}&start=lt{next_day}"))
    later = bundle_of(sas.get(f"/fhir/Slot?start=ge{next_day}&start=le{next_day}"))
    far = (timezone.localdate() + timedelta(days=12)).isoformat()
    beyond = bundle_of(sas.get(f"/fhir/Slot?start=ge{far}"))

    assert [s.id for s in matches(bundle)] == [str(world["open_slot"].public_id)]
    assert [s.id for s in matches(later)] == [str(world["tele"].public_id)]
    assert beyond.total == 1  # the slot in twelve days
    # A date-time with its offset, "+" left unencoded or not.
    moment = timezone.localtime(world["open_slot"].starts_at).isoformat()
    assert bundle_of(sas.get("/fhir/Slot", {"start": f"ge{moment}"})).total == 3
    assert bundle_of(sas.get(f"/fhir/Slot?start=gt{moment}")).total == 2


def test_the_bundle_includes_schedule_practitioner_role_and_location(sas, world):
    bundle = bundle_of(
        sas.get(
            "/fhir/Slot?_include=Slot:schedule&_include:iterate=Schedule:actor"
            "&address-city=Pithiviers"
        )
    )

    [slot] = matches(bundle)
    [schedule] = included(bundle, "Schedule")
    [practitioner] = included(bundle, "Practitioner")
    [role] = included(bundle, "PractitionerRole")
    [location] = included(bundle, "Location")
    assert slot.schedule.reference == f"Schedule/{schedule.id}"
    actors = {a.reference for a in schedule.actor}
    assert actors == {
        f"Practitioner/{practitioner.id}",
        f"PractitionerRole/{role.id}",
        f"Location/{location.id}",
    }
    identifier = practitioner.identifier[0]
    assert (identifier.system, identifier.value) == (IDNPS, "8" + world["doctor"].rpps)
    assert role.specialty[0].coding[0].code == "cardiologie"
    assert location.address.city == "Pithiviers"
    assert location.address.postalCode == "45300"
    assert practitioner.id == str(world["doctor"].public_id)
    # Each entry's fullUrl names the resource.
    assert all(e.fullUrl.endswith(f"/{e.resource.id}") for e in bundle.entry)


def test_nothing_about_patients_leaves(sas, world):
    referral = Appointment.objects.get().referral
    body = sas.get(
        "/fhir/Slot?_include=Slot:schedule&_include:iterate=Schedule:actor"
    ).content.decode()

    for word in (referral.patient.birth_name, referral.reference, referral.question):
        assert word not in body


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"specialty": "cardiologie"}, 3),
        ({"specialty": "urn:ess:fhir:specialite|cardiologie"}, 3),
        ({"specialty": "dermatologie"}, 0),
        ({"specialty": "http://autre.example|cardiologie"}, 0),
        ({"address-city": "pithiviers"}, 1),
        ({"address-postalcode": "45300"}, 1),
        ({"address-city": "Orléans"}, 1),  # the place typed for the urgent slot
        ({"status": "busy"}, 0),
    ],
)
def test_the_search_filters_by_specialty_and_place(sas, world, params, expected):
    assert bundle_of(sas.get("/fhir/Slot", params)).total == expected


def test_the_search_filters_by_practitioner_and_location(sas, world):
    national_id = "8" + world["doctor"].rpps
    all_of_them = bundle_of(
        sas.get("/fhir/Slot", {"schedule.actor:Practitioner.identifier": f"{IDNPS}|{national_id}"})
    )
    nobody = bundle_of(
        sas.get("/fhir/Slot", {"schedule.actor:Practitioner.identifier": "810000000000"})
    )
    site = bundle_of(
        sas.get("/fhir/Slot", {"location": f"Location/{world['session'].site.public_id}"})
    )

    assert all_of_them.total == 3
    assert nobody.total == 0
    assert [s.id for s in matches(site)] == [world["session_place"]]


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("start=ge2026-01-01&start=lt2026-06-01", "dépasse 31 jours"),
        ("start=ge2026-02-01&start=lt2026-01-01", "doit suivre"),
        ("start=gedemain", "n'est pas une date"),
        ("start=ne2026-01-01", "préfixe"),
        ("_count=beaucoup", "nombre entier"),
        ("status=libre", "valeurs possibles"),
    ],
)
def test_a_bad_search_is_refused_with_an_operation_outcome(sas, world, query, words):
    response = sas.get(f"/fhir/Slot?{query}")

    assert response.status_code == 400
    issue = OperationOutcome.model_validate_json(response.content).issue[0]
    assert issue.code == "invalid"
    assert words in issue.diagnostics


def test_pages_follow_the_bundle_links(sas, world):
    first = bundle_of(sas.get("/fhir/Slot", {"_count": 2}))
    links = {link.relation: link.url for link in first.link}
    url = urlsplit(links["next"])
    second = bundle_of(sas.get(f"{url.path}?{url.query}"))

    assert first.total == second.total == 3
    assert [s.id for s in matches(first) + matches(second)] == [
        str(world["open_slot"].public_id),
        str(world["tele"].public_id),
        world["session_place"],
    ]
    assert "next" not in {link.relation for link in second.link}
    assert "previous" in {link.relation for link in second.link}


def test_the_search_runs_a_constant_number_of_queries(
    sas, territory, django_assert_max_num_queries
):
    for _ in range(12):
        doctor = specialist_with_rpps()
        SlotFactory(specialist=doctor, starts_at=soon(1), sas_open=True)
        ConsultationSessionFactory(specialist=doctor, sas_open=True, capacity=4)

    with django_assert_max_num_queries(4):
        bundle = bundle_of(
            sas.get("/fhir/Slot?_include=Slot:schedule&_include:iterate=Schedule:actor")
        )

    assert bundle.total == 12 * 5


def test_one_slot_is_read_by_its_id_and_says_when_it_is_taken(sas, world):
    free = sas.get(f"/fhir/Slot/{world['session_place']}")
    taken = sas.get(f"/fhir/Slot/{world['session'].public_id.hex}-0")
    urgent = sas.get(f"/fhir/Slot/{world['open_slot'].public_id}")

    assert Slot.model_validate_json(free.content).status == "free"
    assert Slot.model_validate_json(taken.content).status == "busy"
    assert Slot.model_validate_json(urgent.content).id == str(world["open_slot"].public_id)


@pytest.mark.parametrize("which", ["closed", "unknown", "not-an-id", "out-of-range"])
def test_a_slot_not_opened_to_the_sas_is_not_found(sas, world, which):
    closed = SlotFactory(specialist=world["doctor"], starts_at=soon(1, 16))
    ident = {
        "closed": str(closed.public_id),
        "unknown": "0b6f3c5e-52a4-4d8e-9a51-2f1d6a7e8c90",
        "not-an-id": "n'importe-quoi",
        "out-of-range": f"{world['session'].public_id.hex}-7",
    }[which]

    response = sas.get(f"/fhir/Slot/{ident}")

    assert response.status_code == 404
    assert OperationOutcome.model_validate_json(response.content).issue[0].code == "not-found"


def test_schedules_are_one_per_practitioner_and_place(sas, world):
    bundle = bundle_of(sas.get("/fhir/Schedule?_include=Schedule:actor"))

    schedules = matches(bundle)
    assert len(schedules) == 3  # the office, teleconsultation, the advanced-consultation site
    assert all(isinstance(s, Schedule) for s in schedules)
    assert len(included(bundle, "Practitioner")) == 1
    assert len(included(bundle, "Location")) == 2
    read = sas.get(f"/fhir/Schedule/{schedules[0].id}")
    assert Schedule.model_validate_json(read.content).id == schedules[0].id
    assert sas.get("/fhir/Schedule/0b6f3c5e-52a4-4d8e-9a51-2f1d6a7e8c90").status_code == 404
    slots = bundle_of(sas.get("/fhir/Slot", {"schedule": f"Schedule/{schedules[0].id}"}))
    assert slots.total == 1
    site = world["session"].site.public_id
    at_the_site = bundle_of(sas.get("/fhir/Schedule", {"actor": f"Location/{site}"}))
    of_the_doctor = bundle_of(
        sas.get("/fhir/Schedule", {"actor": f"Practitioner/{world['doctor'].public_id}"})
    )
    assert at_the_site.total == 1
    assert of_the_doctor.total == 3


def test_a_schedule_search_filters_by_specialty(sas, world):
    Specialty.objects.get_or_create(code="dermatologie", defaults={"label": "Dermatologie"})

    assert bundle_of(sas.get("/fhir/Schedule", {"specialty": "dermatologie"})).total == 0
    assert bundle_of(sas.get("/fhir/Schedule", {"specialty": "cardiologie"})).total == 3


@pytest.mark.parametrize("path", ["/fhir/Slot", "/fhir/Schedule"])
def test_a_platform_without_the_slots_scope_is_refused(client, world, path):
    _, token = register_platform(name="Télé-expertise", scopes=["teleexpertise"])

    response = client.get(path, HTTP_AUTHORIZATION=f"Bearer {token}")

    assert response.status_code == 403
    assert OperationOutcome.model_validate_json(response.content).issue[0].code == "forbidden"


@pytest.mark.parametrize("path", ["/fhir/Slot", "/fhir/Schedule"])
def test_a_member_signed_in_is_refused(client_for, world, path):
    response = client_for(world["doctor"]).get(path)

    assert response.status_code == 401


def test_the_capability_statement_lists_slot_and_schedule(client):
    statement = client.get("/fhir/metadata").json()

    types = {r["type"]: r for r in statement["rest"][0]["resource"]}
    assert {"Slot", "Schedule"} <= set(types)
    assert "Slot:schedule" in types["Slot"]["searchInclude"]


@pytest.mark.parametrize("resource", ["Slot", "Schedule"])
def test_a_count_of_zero_gives_the_total_without_entries_or_a_next_page(sas, world, resource):
    bundle = bundle_of(sas.get(f"/fhir/{resource}", {"_count": 0, "_offset": 1}))

    assert bundle.total > 1
    assert not bundle.entry
    assert {link.relation for link in bundle.link} == {"self"}
