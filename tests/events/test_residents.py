"""Residents: the management registers approved supervisors among the ESS's members, the places
they offer per semester (once per semester) and the residents placed on them, never more than
the places offered; a supervisor declares their own offers; the specialists read the page;
nobody else sees it."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from ess.errors import Conflict
from events.demo.residents import seed_residents
from events.models import Placement, ResidentSupervisor, TrainingPlace
from events.services import residents as services
from tests.factories import (
    PlacementFactory,
    ResidentSupervisorFactory,
    TrainingPlaceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year
RESIDENTS = reverse("events:residents")


def placement_fields(**overrides) -> dict:
    fields = {
        "resident_name": "Camille Lefèvre",
        "phase": "Phase socle",
        "starts_on": date(YEAR, 11, 2),
        "ends_on": date(YEAR + 1, 4, 30),
    }
    return {**fields, **overrides}


# --- Supervisors ------------------------------------------------------------------------------
@pytest.mark.parametrize("persona", ["manager", "coordinator"])
def test_the_management_registers_a_supervisor(persona, request, specialist):
    supervisor = services.supervisor_register(
        by=request.getfixturevalue(persona),
        member=specialist,
        approval_number="MSU-45-0001",
        approved_until=date(YEAR + 3, 10, 31),
        university="Faculté de médecine de Tours",
    )

    assert supervisor.member == specialist
    assert supervisor.approval_number == "MSU-45-0001"


def test_a_specialist_registers_no_supervisor(specialist, other_specialist):
    with pytest.raises(PermissionDenied):
        services.supervisor_register(
            by=specialist, member=other_specialist, approval_number="MSU-45-0001"
        )
    assert not ResidentSupervisor.objects.exists()


def test_a_supervisor_is_registered_once(coordinator, specialist):
    ResidentSupervisorFactory(member=specialist)

    with pytest.raises(ValidationError) as refused:
        services.supervisor_register(
            by=coordinator, member=specialist, approval_number="MSU-45-0002"
        )

    assert refused.value.message_dict["member"] == [
        f"{specialist.display_name} est déjà inscrit·e comme maître de stage."
    ]


def test_a_supervisor_is_a_member_of_the_ess_with_an_approval(coordinator, requester, specialist):
    with pytest.raises(ValidationError) as stranger:
        services.supervisor_register(by=coordinator, member=requester, approval_number="MSU-1")
    with pytest.raises(ValidationError) as no_number:
        services.supervisor_register(by=coordinator, member=specialist, approval_number=" ")

    assert stranger.value.message_dict["member"] == ["Choisissez un membre de l'ESS."]
    assert no_number.value.message_dict["approval_number"] == ["Indiquez le numéro d'agrément."]
    assert not ResidentSupervisor.objects.exists()


# --- Offers -----------------------------------------------------------------------------------
def test_the_management_declares_an_offer_for_a_semester(coordinator):
    supervisor = ResidentSupervisorFactory()

    place = services.training_place_offer(
        by=coordinator, supervisor_id=supervisor.pk, year=YEAR, season="november", places=2
    )

    assert (place.year, place.season, place.places) == (YEAR, "november", 2)


def test_a_supervisor_declares_their_own_offer_not_anothers(specialist):
    own = ResidentSupervisorFactory(member=specialist)
    other = ResidentSupervisorFactory()

    services.training_place_offer(
        by=specialist, supervisor_id=own.pk, year=YEAR, season="may", places=1
    )
    with pytest.raises(PermissionDenied):
        services.training_place_offer(
            by=specialist, supervisor_id=other.pk, year=YEAR, season="may", places=1
        )

    assert TrainingPlace.objects.get().supervisor == own


def test_a_semester_is_offered_once(coordinator):
    place = TrainingPlaceFactory(year=YEAR, season="november")

    with pytest.raises(ValidationError) as refused:
        services.training_place_offer(
            by=coordinator,
            supervisor_id=place.supervisor.pk,
            year=YEAR,
            season="november",
            places=3,
        )

    assert refused.value.message_dict["season"] == [
        f"{place.supervisor.member.display_name} offre déjà des places pour le "
        f"semestre d'hiver (novembre) {YEAR}."
    ]
    assert TrainingPlace.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"places": 0}, "places"),
        ({"year": YEAR + 10}, "year"),
        ({"year": YEAR - 5}, "year"),
        ({"season": "summer"}, "season"),
    ],
)
def test_an_offer_refuses_what_cannot_be(coordinator, fields, field):
    supervisor = ResidentSupervisorFactory()
    values = {"year": YEAR, "season": "november", "places": 1, **fields}

    with pytest.raises(ValidationError) as refused:
        services.training_place_offer(by=coordinator, supervisor_id=supervisor.pk, **values)

    assert field in refused.value.message_dict
    assert not TrainingPlace.objects.exists()


def test_an_offer_past_the_approval_is_refused(coordinator):
    supervisor = ResidentSupervisorFactory(approved_until=date(YEAR, 6, 30))

    with pytest.raises(ValidationError) as refused:
        services.training_place_offer(
            by=coordinator, supervisor_id=supervisor.pk, year=YEAR, season="november", places=1
        )

    assert "prend fin le 30/06" in refused.value.message_dict["year"][0]


# --- Placements -------------------------------------------------------------------------------
def test_a_resident_is_placed_on_an_offer(coordinator):
    place = TrainingPlaceFactory(places=1)

    placement = services.placement_record(by=coordinator, place_id=place.pk, **placement_fields())

    assert placement.place == place
    assert placement.resident_name == "Camille Lefèvre"


def test_no_resident_is_placed_once_every_place_is_taken(coordinator):
    place = TrainingPlaceFactory(places=1)
    PlacementFactory(place=place)

    with pytest.raises(Conflict, match="Toutes les places de ce semestre sont pourvues"):
        services.placement_record(by=coordinator, place_id=place.pk, **placement_fields())

    assert Placement.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"resident_name": " "}, "resident_name"),
        ({"ends_on": date(YEAR, 11, 1)}, "ends_on"),
        ({"starts_on": None}, "starts_on"),
    ],
)
def test_a_placement_refuses_what_cannot_be(coordinator, fields, field):
    place = TrainingPlaceFactory()

    with pytest.raises(ValidationError) as refused:
        services.placement_record(by=coordinator, place_id=place.pk, **placement_fields(**fields))

    assert field in refused.value.message_dict
    assert not Placement.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        # A year typed wrong: the offer is for this year's November semester.
        (
            {"starts_on": date(YEAR - 1, 11, 2), "ends_on": date(YEAR, 4, 30)},
            "starts_on",
            f"entre le 01/11/{YEAR} et le 30/04/{YEAR + 1}",
        ),
        ({"ends_on": date(YEAR + 1, 6, 2)}, "ends_on", f"le 31/05/{YEAR + 1} au plus tard"),
    ],
)
def test_a_placement_falls_within_its_offer_s_semester(coordinator, fields, field, message):
    place = TrainingPlaceFactory(year=YEAR, season="november")

    with pytest.raises(ValidationError) as refused:
        services.placement_record(by=coordinator, place_id=place.pk, **placement_fields(**fields))

    assert message in refused.value.message_dict[field][0]
    assert not Placement.objects.exists()
    # The change-over day of early May is within it.
    services.placement_record(
        by=coordinator, place_id=place.pk, **placement_fields(ends_on=date(YEAR + 1, 5, 4))
    )


def test_a_placement_is_corrected_and_checked_as_when_recorded(coordinator, specialist):
    placement = PlacementFactory(place=TrainingPlaceFactory(year=YEAR), resident_name="Camile")

    services.placement_update(
        by=coordinator, placement_id=placement.pk, **placement_fields(phase="Phase socle")
    )
    with pytest.raises(ValidationError):
        services.placement_update(
            by=coordinator,
            placement_id=placement.pk,
            **placement_fields(resident_name="Autre", starts_on=date(YEAR + 1, 11, 2)),
        )
    with pytest.raises(PermissionDenied):
        services.placement_update(
            by=specialist, placement_id=placement.pk, **placement_fields(resident_name="Autre")
        )

    placement.refresh_from_db()
    assert (placement.resident_name, placement.phase) == ("Camille Lefèvre", "Phase socle")


def test_removing_a_placement_frees_its_place(coordinator, specialist):
    place = TrainingPlaceFactory(year=YEAR, places=1)
    placement = PlacementFactory(place=place)
    with pytest.raises(PermissionDenied):
        services.placement_remove(by=specialist, placement_id=placement.pk)

    services.placement_remove(by=coordinator, placement_id=placement.pk)
    services.placement_remove(by=coordinator, placement_id=placement.pk)  # a retried request

    assert not Placement.objects.exists()
    services.placement_record(by=coordinator, place_id=place.pk, **placement_fields())


def test_an_offer_keeps_at_least_the_places_it_has_filled(coordinator):
    place = TrainingPlaceFactory(year=YEAR, places=3)
    PlacementFactory.create_batch(2, place=place)

    with pytest.raises(ValidationError) as refused:
        services.training_place_update(by=coordinator, place_id=place.pk, places=1)
    assert "2 internes sont placés : gardez au moins 2 places." in refused.value.messages

    services.training_place_update(by=coordinator, place_id=place.pk, places=2, site="CH Gien")
    place.refresh_from_db()
    assert (place.places, place.site) == (2, "CH Gien")


def test_a_supervisor_changes_their_own_offer_only(specialist, other_specialist):
    own = TrainingPlaceFactory(supervisor=ResidentSupervisorFactory(member=specialist))
    theirs = TrainingPlaceFactory(supervisor=ResidentSupervisorFactory(member=other_specialist))

    services.training_place_update(by=specialist, place_id=own.pk, places=2)
    with pytest.raises(PermissionDenied):
        services.training_place_update(by=specialist, place_id=theirs.pk, places=2)

    theirs.refresh_from_db()
    assert theirs.places == 1


def test_a_supervisor_s_approval_is_corrected_but_never_ends_before_an_offer(coordinator):
    supervisor = ResidentSupervisorFactory(approval_number="MSU-45-O001")
    TrainingPlaceFactory(supervisor=supervisor, year=YEAR + 1, season="may")

    with pytest.raises(ValidationError) as refused:
        services.supervisor_update(
            by=coordinator,
            supervisor_id=supervisor.pk,
            approval_number="MSU-45-0001",
            approved_until=date(YEAR + 1, 4, 30),
        )
    assert f"semestre d'été (mai) {YEAR + 1}" in refused.value.message_dict["approved_until"][0]
    supervisor.refresh_from_db()
    assert supervisor.approval_number == "MSU-45-O001"

    services.supervisor_update(
        by=coordinator,
        supervisor_id=supervisor.pk,
        approval_number=" MSU-45-0001 ",
        approved_until=date(YEAR + 1, 10, 31),
    )
    supervisor.refresh_from_db()
    assert (supervisor.approval_number, supervisor.approved_until) == (
        "MSU-45-0001",
        date(YEAR + 1, 10, 31),
    )


def test_a_supervisor_does_not_place_residents(specialist):
    place = TrainingPlaceFactory(supervisor=ResidentSupervisorFactory(member=specialist))

    with pytest.raises(PermissionDenied):
        services.placement_record(by=specialist, place_id=place.pk, **placement_fields())


# --- Pages ------------------------------------------------------------------------------------
def test_the_page_shows_supervisors_offers_and_placements_of_the_year(coordinator, client_for):
    supervisor = ResidentSupervisorFactory(
        member=UserFactory(specialist=True, first_name="Antoine", last_name="Dubois")
    )
    place = TrainingPlaceFactory(supervisor=supervisor, year=YEAR, places=2)
    PlacementFactory(place=place, resident_name="Camille Lefèvre")
    older = TrainingPlaceFactory(supervisor=supervisor, year=YEAR - 1, season="may")
    PlacementFactory(place=older, resident_name="Interne de l'an dernier")

    response = client_for(coordinator).get(RESIDENTS)

    assert response.status_code == 200
    assert "Antoine Dubois" in response.text
    assert "Camille Lefèvre" in response.text
    assert "1 place pourvue sur 2" in response.text
    assert "Interne de l&#x27;an dernier" not in response.text
    assert "Placer un interne" in response.text

    last_year = client_for(coordinator).get(RESIDENTS, {"annee": YEAR - 1})
    assert "Interne de l&#x27;an dernier" in last_year.text
    assert "Camille Lefèvre" not in last_year.text


def test_a_year_that_is_not_one_shows_this_year(coordinator, client_for):
    response = client_for(coordinator).get(RESIDENTS, {"annee": "demain"})

    assert response.status_code == 200
    assert f"Internes — {YEAR}" in response.text


def test_a_full_offer_offers_no_more_placement(coordinator, client_for):
    PlacementFactory(place=TrainingPlaceFactory(year=YEAR, places=1))

    response = client_for(coordinator).get(RESIDENTS)

    assert "1 place pourvue sur 1" in response.text
    assert "Placer un interne" not in response.text


def test_a_supervisor_is_offered_to_declare_an_offer(specialist, client_for):
    ResidentSupervisorFactory(member=specialist)

    response = client_for(specialist).get(RESIDENTS)

    assert "Déclarer une offre de stage" in response.text
    assert "Inscrire un maître de stage" not in response.text


def test_a_specialist_who_supervises_no_one_only_reads(specialist, client_for):
    PlacementFactory(place=TrainingPlaceFactory(year=YEAR))

    response = client_for(specialist).get(RESIDENTS)

    assert response.status_code == 200
    assert "Déclarer une offre de stage" not in response.text
    assert "Placer un interne" not in response.text
    assert client_for(specialist).get(reverse("events:training_place_create")).status_code == 403


@pytest.mark.parametrize("persona", ["requester", "paramedic", "authority"])
def test_the_page_is_refused_outside_the_staff_who_follow_it(persona, request, client_for):
    response = client_for(request.getfixturevalue(persona)).get(RESIDENTS)

    assert response.status_code == 403


def test_the_page_costs_the_same_whatever_the_number_of_supervisors(
    coordinator, client_for, django_assert_max_num_queries
):
    client = client_for(coordinator)
    PlacementFactory(place=TrainingPlaceFactory(year=YEAR, places=2))
    with django_assert_max_num_queries(30) as few:
        client.get(RESIDENTS)
    for _ in range(4):
        place = TrainingPlaceFactory(year=YEAR, places=2)
        PlacementFactory.create_batch(2, place=place)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(RESIDENTS)


def test_a_supervisor_is_registered_from_the_form(manager, specialist, client_for):
    response = client_for(manager).post(
        reverse("events:supervisor_create"),
        {"member": str(specialist.pk), "approval_number": "MSU-45-0009", "university": "Tours"},
        follow=True,
    )

    assert ResidentSupervisor.objects.get().member == specialist
    assert "est inscrit·e comme maître de stage" in response.text


def test_a_supervisor_declares_an_offer_from_the_form(specialist, client_for):
    ResidentSupervisorFactory(member=specialist)

    response = client_for(specialist).post(
        reverse("events:training_place_create"),
        {"year": str(YEAR), "season": "november", "places": "1", "site": "Cabinet"},
    )

    place = TrainingPlace.objects.get()
    assert place.supervisor.member == specialist
    assert response.status_code == 302
    assert response.url == f"{RESIDENTS}?annee={YEAR}"


def test_a_second_offer_for_the_semester_is_told_on_the_form(coordinator, client_for):
    place = TrainingPlaceFactory(year=YEAR, season="november")

    response = client_for(coordinator).post(
        reverse("events:training_place_create"),
        {
            "supervisor": str(place.supervisor.pk),
            "year": str(YEAR),
            "season": "november",
            "places": "1",
        },
    )

    assert response.status_code == 200
    assert "offre déjà des places pour le semestre d&#x27;hiver (novembre)" in response.text
    assert TrainingPlace.objects.count() == 1


def test_a_resident_is_placed_from_the_form(coordinator, client_for):
    place = TrainingPlaceFactory(year=YEAR, places=1)
    url = reverse("events:placement_create", args=[place.public_id])
    body = {
        "resident_name": "Camille Lefèvre",
        "starts_on": f"{YEAR}-11-02",
        "ends_on": f"{YEAR + 1}-04-30",
    }

    first = client_for(coordinator).post(url, body)
    second = client_for(coordinator).post(url, {**body, "resident_name": "Une autre"})

    assert first.status_code == 302
    assert second.status_code == 200
    assert "Toutes les places de ce semestre sont pourvues." in second.text
    assert list(Placement.objects.values_list("resident_name", flat=True)) == ["Camille Lefèvre"]


def test_the_coordination_corrects_and_removes_a_placement_from_the_page(coordinator, client_for):
    place = TrainingPlaceFactory(year=YEAR, places=2)
    placement = PlacementFactory(place=place, resident_name="Camile Lefèvre")
    client = client_for(coordinator)
    page = client.get(RESIDENTS, {"annee": YEAR}).text
    edit = reverse("events:placement_edit", args=[placement.public_id])
    remove = reverse("events:placement_delete", args=[placement.public_id])
    assert edit in page and remove in page
    assert 'value="Camile Lefèvre"' in client.get(edit).text

    a_year_late = {"starts_on": f"{YEAR + 1}-11-02", "ends_on": f"{YEAR + 2}-04-30"}
    refused = client.post(edit, {**placement_fields(), **a_year_late})
    corrected = client.post(edit, {**placement_fields(), "starts_on": f"{YEAR}-11-02"})
    removed = client.post(remove)

    assert refused.status_code == 200
    assert "Le stage commence pendant le semestre d&#x27;hiver (novembre)" in refused.text
    assert corrected.status_code == 302
    assert removed.status_code == 302
    assert not Placement.objects.exists()
    messages = client.get(removed.url).text
    assert "Stage de Camille Lefèvre retiré : sa place est de nouveau libre." in messages


def test_the_edit_links_follow_who_may_use_them(specialist, coordinator, client_for):
    own = TrainingPlaceFactory(year=YEAR, supervisor=ResidentSupervisorFactory(member=specialist))
    other = TrainingPlaceFactory(year=YEAR)
    PlacementFactory(place=own)

    as_specialist = client_for(specialist).get(RESIDENTS, {"annee": YEAR}).text
    as_coordinator = client_for(coordinator).get(RESIDENTS, {"annee": YEAR}).text

    own_offer = reverse("events:training_place_edit", args=[own.public_id])
    other_offer = reverse("events:training_place_edit", args=[other.public_id])
    supervisor = reverse("events:supervisor_edit", args=[own.supervisor.public_id])
    assert own_offer in as_specialist and other_offer not in as_specialist
    assert supervisor not in as_specialist and "/stages/" not in as_specialist
    assert all(url in as_coordinator for url in (own_offer, other_offer, supervisor))
    response = client_for(specialist).post(own_offer, {"places": "3", "site": "Cabinet"})
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.places == 3
    assert client_for(specialist).post(other_offer, {"places": "3"}).status_code == 403


def test_the_approval_is_corrected_from_its_page(coordinator, client_for):
    supervisor = ResidentSupervisorFactory(approval_number="MSU-45-O001")
    url = reverse("events:supervisor_edit", args=[supervisor.public_id])
    client = client_for(coordinator)
    assert 'value="MSU-45-O001"' in client.get(url).text

    response = client.post(url, {"approval_number": "MSU-45-0001", "university": "Tours"})

    assert response.status_code == 302
    supervisor.refresh_from_db()
    assert (supervisor.approval_number, supervisor.university) == ("MSU-45-0001", "Tours")


@pytest.mark.parametrize("persona", ["requester", "paramedic"])
def test_an_offer_is_a_404_outside_the_staff(persona, request, client_for):
    place = TrainingPlaceFactory()
    url = reverse("events:placement_create", args=[place.public_id])

    response = client_for(request.getfixturevalue(persona)).get(url)

    assert response.status_code == 404


def test_the_demo_semester_helpers_start_in_may_and_november():
    assert services.semester_start(2026, "may") == date(2026, 5, 1)
    assert services.semester_start(2026, "november") == date(2026, 11, 1)
    assert services.semester_start(2026, "november") - timedelta(days=1) == date(2026, 10, 31)


# --- Demo -------------------------------------------------------------------------------------
def test_the_demo_supervisor_offers_a_november_place_taken_by_one_resident(coordinator):
    users = {"coordination": coordinator, "cardiologue": UserFactory(specialist=True)}

    seed_residents(users)
    seed_residents(users)

    place = TrainingPlace.objects.get()
    today = timezone.localdate()
    assert place.supervisor.member == users["cardiologue"]
    assert place.season == "november"
    assert place.year == (today.year if today >= date(today.year, 11, 1) else today.year - 1)
    assert (place.places, place.placements.count()) == (1, 1)
