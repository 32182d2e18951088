"""/garde/ per role: the week of a specialty and who is on call now, the manager's shifts,
volunteers, generation, publication and decisions, a specialist's swaps; the calendar feed."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from scheduling import services
from scheduling.models import OnCallDuty, OnCallShift, OnCallSwap, ShiftStatus, SwapStatus
from tests.factories import UserFactory
from tests.menu import menu_labels

PAGE = "/garde/"
# A Monday five weeks ahead or more: shifts are planned for the future.
MONDAY = date.today() + timedelta(days=35 + 7 - date.today().weekday())
FRIDAY = MONDAY + timedelta(days=4)


def at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def week(specialty, day=MONDAY) -> str:
    return f"{PAGE}?specialite={specialty.pk}&semaine={day.isoformat()}"


@pytest.fixture
def team(cardiology, manager):
    people = [UserFactory(specialist=True, specialty=cardiology) for _ in range(2)]
    services.on_call_volunteers_set(by=manager, specialty=cardiology, volunteers=people)
    return people


def published_week(manager, cardiology):
    services.on_call_shifts_create(
        by=manager,
        specialty=cardiology,
        first_day=MONDAY,
        last_day=MONDAY + timedelta(days=4),
        presets=["morning", "afternoon"],
        weekdays=[0, 1, 2, 3, 4],
    )
    period = {"first_day": MONDAY, "last_day": MONDAY + timedelta(days=4)}
    services.on_call_roster_generate(by=manager, specialty=cardiology, backup=True, **period)
    services.on_call_roster_publish(by=manager, specialty=cardiology, **period)


# ---------------------------------------------------------------------------------------------
# Who opens what
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("asked", ["9999-12-31", "0001-01-01", "2026-13-45"])
def test_a_week_no_roster_can_cover_shows_this_week(asked, client_for, coordinator, cardiology):
    response = client_for(coordinator).get(f"{PAGE}?specialite={cardiology.pk}&semaine={asked}")

    assert response.status_code == 200
    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    assert response.context["monday"] == monday


@pytest.mark.parametrize("persona", ["manager", "coordinator", "specialist"])
def test_staff_see_the_entry_and_the_page(persona, request, client_for, cardiology):
    user = request.getfixturevalue(persona)
    assert "Gardes" in menu_labels(user)
    response = client_for(user).get(PAGE)
    assert response.status_code == 200
    assert "De garde maintenant" in response.content.decode()


@pytest.mark.parametrize("persona", ["requester", "authority", "paramedic"])
def test_others_neither_see_the_entry_nor_the_page(persona, request, client_for, cardiology):
    user = request.getfixturevalue(persona)
    assert "Gardes" not in menu_labels(user)
    assert client_for(user).get(PAGE).status_code == 403


@pytest.mark.parametrize(
    "url",
    [
        "/garde/gardes/periode/",
        "/garde/gardes/nouvelle/",
        "/garde/volontaires/",
    ],
)
@pytest.mark.parametrize("persona", ["coordinator", "specialist"])
def test_only_managers_prepare_the_roster(persona, url, request, client_for, cardiology):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(url).status_code == 403
    assert client.post("/garde/tableau/generer/", {}).status_code == 403
    assert not OnCallShift.objects.exists()


def test_a_specialist_cannot_ask_a_swap_for_someone_elses_duty(
    client_for, team, manager, cardiology
):
    published_week(manager, cardiology)
    OnCallDuty.objects.filter(rank=2).delete()
    theirs = OnCallDuty.objects.filter(specialist=team[0]).select_related("shift").first()
    response = client_for(team[1]).post(
        reverse("scheduling:on_call_swap_request", args=[theirs.shift.public_id]),
        {"replacement": team[1].pk},
    )
    assert response.status_code == 404
    assert not OnCallSwap.objects.exists()


# ---------------------------------------------------------------------------------------------
# The manager's journey through the pages
# ---------------------------------------------------------------------------------------------
def test_the_manager_creates_generates_and_publishes_a_week(client_for, manager, team, cardiology):
    client = client_for(manager)
    response = client.post(
        "/garde/gardes/periode/",
        {
            "specialty": cardiology.pk,
            "first_day": MONDAY.isoformat(),
            "last_day": (MONDAY + timedelta(days=4)).isoformat(),
            "presets": ["morning", "afternoon"],
            "weekdays": ["0", "1", "2", "3", "4"],
        },
    )
    assert response.status_code == 302
    assert OnCallShift.objects.filter(status=ShiftStatus.DRAFT).count() == 10

    period = {"specialite": cardiology.pk, "first_day": f"{MONDAY}", "last_day": f"{FRIDAY}"}
    client.post("/garde/tableau/generer/", period)
    page = client.get(week(cardiology)).content.decode()
    assert "Brouillon" in page
    assert team[0].display_name in page
    client.post("/garde/tableau/publier/", period)

    assert OnCallShift.objects.filter(status=ShiftStatus.PUBLISHED).count() == 10
    assert OnCallDuty.objects.filter(rank=1).count() == 10


def test_a_bad_period_shows_a_french_error_and_creates_nothing(client_for, manager, cardiology):
    response = client_for(manager).post(
        "/garde/gardes/periode/",
        {
            "specialty": cardiology.pk,
            "first_day": f"{FRIDAY}",
            "last_day": f"{MONDAY}",
            "presets": ["morning"],
            "weekdays": ["0"],
        },
    )
    assert response.status_code == 200
    assert "La date de fin doit suivre la date de début." in response.content.decode()
    assert not OnCallShift.objects.exists()


def test_a_custom_shift_and_its_gap_on_the_roster(client_for, manager, cardiology, team):
    client = client_for(manager)
    client.post(
        "/garde/gardes/nouvelle/",
        {
            "specialty": cardiology.pk,
            "starts_at": f"{MONDAY + timedelta(days=5)}T09:00",
            "ends_at": f"{MONDAY + timedelta(days=5)}T12:00",
            "note": "Samedi matin",
        },
    )
    shift = OnCallShift.objects.get()
    assert timezone.localtime(shift.starts_at) == at(MONDAY + timedelta(days=5), 9)
    page = client.get(week(cardiology)).content.decode()
    assert "1 garde sans personne cette semaine." in page

    client.post(
        reverse("scheduling:on_call_shift_assign", args=[shift.public_id]),
        {"specialist": team[1].pk, "rank": "1"},
    )
    assert shift.duties.get().specialist == team[1]


def test_volunteers_from_the_pages(client_for, manager, specialist, cardiology):
    client_for(specialist).post("/garde/volontariat/", {"volontaire": "1"})
    response = client_for(manager).get(f"/garde/volontaires/?specialite={cardiology.pk}")
    assert specialist.display_name in response.content.decode()
    client_for(manager).post(f"/garde/volontaires/?specialite={cardiology.pk}", {})
    assert "Me porter volontaire" in client_for(specialist).get(PAGE).content.decode()


def test_a_swap_asked_and_approved_from_the_pages(client_for, manager, team, cardiology):
    published_week(manager, cardiology)
    duty = OnCallDuty.objects.filter(specialist=team[0], rank=1).select_related("shift").first()
    # The colleague may be the shift's backup: free them first.
    OnCallDuty.objects.filter(shift=duty.shift, rank=2).delete()
    client_for(team[0]).post(
        reverse("scheduling:on_call_swap_request", args=[duty.shift.public_id]),
        {"replacement": team[1].pk, "reason": "Congrès"},
    )
    swap = OnCallSwap.objects.get()
    page = client_for(manager).get(PAGE).content.decode()
    assert "Accepter l'échange" in page

    client_for(manager).post(
        reverse("scheduling:on_call_swap_decide", args=[swap.public_id, "accepter"])
    )

    swap.refresh_from_db()
    duty.refresh_from_db()
    assert swap.status == SwapStatus.APPROVED
    assert duty.specialist == team[1]


def test_the_roster_page_costs_the_same_for_a_busier_week(
    client_for, manager, team, cardiology, django_assert_max_num_queries
):
    client = client_for(manager)
    services.on_call_shift_create(
        by=manager, specialty=cardiology, starts_at=at(MONDAY, 8), ends_at=at(MONDAY, 13)
    )
    client.get(week(cardiology))
    with django_assert_max_num_queries(40) as few:
        client.get(week(cardiology))
    OnCallShift.objects.all().delete()
    published_week(manager, cardiology)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(week(cardiology))
    assert response.content.decode().count("Supprimer la garde") == 10


def test_duties_are_in_the_private_calendar_feed(client, manager, team, cardiology):
    published_week(manager, cardiology)
    token = services.calendar_feed_regenerate(by=team[0])

    response = client.get(reverse("scheduling:consultation_ical", args=[token]))

    calendar = Calendar.from_ical(response.content)
    duties = [e for e in calendar.walk("VEVENT") if str(e["uid"]).startswith("garde-")]
    mine = OnCallDuty.objects.filter(specialist=team[0]).count()
    assert len(duties) == mine > 0
    starts = sorted(e.decoded("dtstart") for e in duties)
    # Winter: 8:00 in Paris is 7:00 UTC.
    assert starts[0].astimezone(UTC).hour in (7, 12)
    assert any("Garde Cardiologie" in str(e["summary"]) for e in duties)


def test_homes_show_who_is_on_call_and_the_next_duty(client_for, coordinator, team, cardiology):
    now = timezone.now()
    shift = OnCallShift.objects.create(
        specialty=cardiology, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=2)
    )
    OnCallDuty.objects.create(shift=shift, specialist=team[0], rank=1)

    coordination = client_for(coordinator).get("/").content.decode()
    assert f"{cardiology.label} — {team[0].display_name}" in coordination
    mine = client_for(team[0]).get("/").content.decode()
    assert "Ma prochaine garde" in mine
    assert "Ma prochaine garde" not in client_for(team[1]).get("/").content.decode()
