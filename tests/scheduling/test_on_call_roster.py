"""On-call rosters: shifts from presets over a period, volunteers, a fair roster (rank 1 and
backups) that never takes an absent or busy volunteer, publication, and a manager's own
assignment."""

from collections import Counter
from datetime import date, datetime, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from ess.errors import TransitionNotAllowed
from ess.models import Notification, Specialty
from scheduling import services
from scheduling.models import Absence, OnCallDuty, OnCallShift, ShiftPreset, ShiftStatus
from scheduling.selectors import on_call_at, on_call_gaps
from tests.factories import ConsultationSessionFactory, UserFactory

# A Monday five weeks ahead or more: shifts are planned for the future.
MONDAY = date.today() + timedelta(days=35 + 7 - date.today().weekday())
FRIDAY = MONDAY + timedelta(days=4)
WEEKDAYS = [0, 1, 2, 3, 4]
HALF_DAYS = [ShiftPreset.MORNING, ShiftPreset.AFTERNOON]


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@pytest.fixture
def volunteers(cardiology, manager):
    people = [UserFactory(specialist=True, specialty=cardiology) for _ in range(3)]
    services.on_call_volunteers_set(by=manager, specialty=cardiology, volunteers=people)
    return people


def week_of_half_days(manager, cardiology, **kwargs):
    return services.on_call_shifts_create(
        by=manager,
        specialty=cardiology,
        first_day=MONDAY,
        last_day=FRIDAY,
        presets=kwargs.get("presets", HALF_DAYS),
        weekdays=kwargs.get("weekdays", WEEKDAYS),
    )


# ---------------------------------------------------------------------------------------------
# Shifts
# ---------------------------------------------------------------------------------------------
def test_every_weekday_morning_and_afternoon_of_a_period_once(manager, cardiology):
    first = week_of_half_days(manager, cardiology)
    again = week_of_half_days(manager, cardiology)

    assert (first.created, first.skipped) == (10, 0)
    assert (again.created, again.skipped) == (0, 10)
    shifts = list(OnCallShift.objects.filter(specialty=cardiology))
    assert {s.status for s in shifts} == {ShiftStatus.DRAFT}
    assert timezone.localtime(shifts[0].starts_at) == at(MONDAY, 8)
    assert timezone.localtime(shifts[1].ends_at) == at(MONDAY, 18)


def test_a_night_shift_ends_the_next_morning(manager, cardiology):
    services.on_call_shifts_create(
        by=manager,
        specialty=cardiology,
        first_day=FRIDAY,
        last_day=FRIDAY,
        presets=[ShiftPreset.NIGHT],
        weekdays=WEEKDAYS,
    )
    shift = OnCallShift.objects.get()
    assert shift.ends_at == at(FRIDAY + timedelta(days=1), 8)


def test_a_custom_shift_may_not_overlap_another_of_the_specialty(manager, cardiology):
    week_of_half_days(manager, cardiology)
    with pytest.raises(ValidationError) as refused:
        services.on_call_shift_create(
            by=manager, specialty=cardiology, starts_at=at(MONDAY, 12), ends_at=at(MONDAY, 14)
        )
    assert "couvre déjà ce moment" in str(refused.value)
    services.on_call_shift_create(
        by=manager, specialty=cardiology, starts_at=at(MONDAY, 18), ends_at=at(MONDAY, 20)
    )
    assert OnCallShift.objects.count() == 11


@pytest.mark.parametrize(
    ("first_day", "last_day", "presets", "weekdays", "message"),
    [
        (FRIDAY, MONDAY, HALF_DAYS, WEEKDAYS, "La date de fin doit suivre la date de début."),
        (MONDAY, MONDAY + timedelta(days=200), HALF_DAYS, WEEKDAYS, "jours au plus"),
        (MONDAY, FRIDAY, [], WEEKDAYS, "Choisissez au moins une garde type."),
        (MONDAY, FRIDAY, HALF_DAYS, [], "Choisissez au moins un jour de la semaine."),
    ],
)
def test_a_bad_period_is_refused_in_french_and_creates_nothing(
    manager, cardiology, first_day, last_day, presets, weekdays, message
):
    with pytest.raises(ValidationError) as refused:
        services.on_call_shifts_create(
            by=manager,
            specialty=cardiology,
            first_day=first_day,
            last_day=last_day,
            presets=presets,
            weekdays=weekdays,
        )
    assert message in str(refused.value)
    assert not OnCallShift.objects.exists()


@pytest.mark.parametrize("persona", ["specialist", "coordinator", "requester", "authority"])
def test_only_managers_create_shifts(request, persona, cardiology):
    with pytest.raises(PermissionDenied):
        week_of_half_days(request.getfixturevalue(persona), cardiology)


# ---------------------------------------------------------------------------------------------
# Volunteers
# ---------------------------------------------------------------------------------------------
def test_a_specialist_volunteers_and_withdraws(specialist):
    roster = services.on_call_volunteer(by=specialist, volunteering=True)
    services.on_call_volunteer(by=specialist, volunteering=True)
    assert list(roster.volunteers.all()) == [specialist]
    services.on_call_volunteer(by=specialist, volunteering=False)
    assert not roster.volunteers.exists()


def test_volunteers_are_specialists_of_the_specialty(manager, cardiology, coordinator):
    with pytest.raises(ValidationError) as refused:
        services.on_call_volunteers_set(by=manager, specialty=cardiology, volunteers=[coordinator])
    assert "n'exerce pas la spécialité" in str(refused.value)


# ---------------------------------------------------------------------------------------------
# Generation and publication
# ---------------------------------------------------------------------------------------------
def generate(manager, cardiology, backup=True):
    return services.on_call_roster_generate(
        by=manager, specialty=cardiology, first_day=MONDAY, last_day=FRIDAY, backup=backup
    )


def test_the_roster_is_shared_fairly_with_backups(manager, cardiology, volunteers):
    week_of_half_days(manager, cardiology)
    result = generate(manager, cardiology)

    assert (result.shifts, result.assigned, result.backups, result.gaps) == (10, 10, 10, [])
    for rank in (1, 2):
        loads = Counter(
            OnCallDuty.objects.filter(rank=rank).values_list("specialist_id", flat=True)
        )
        assert max(loads.values()) - min(loads.values()) <= 1
        assert set(loads) == {v.pk for v in volunteers}
    for shift in OnCallShift.objects.prefetch_related("duties"):
        first, backup = sorted(shift.duties.all(), key=lambda d: d.rank)
        assert first.specialist_id != backup.specialist_id


def test_the_roster_respects_absences_and_other_commitments(manager, cardiology, volunteers):
    away, busy, _ = volunteers
    Absence.objects.create(specialist=away, starts_on=MONDAY, ends_on=MONDAY + timedelta(days=1))
    ConsultationSessionFactory(specialist=busy, date=FRIDAY, starts_at=at(FRIDAY, 9))
    elsewhere = OnCallShift.objects.create(
        specialty=Specialty.objects.get_or_create(
            code="pneumologie", defaults={"label": "Pneumologie"}
        )[0],
        starts_at=at(FRIDAY, 14),
        ends_at=at(FRIDAY, 15),
    )
    OnCallDuty.objects.create(shift=elsewhere, specialist=busy, rank=1)
    week_of_half_days(manager, cardiology)
    generate(manager, cardiology)

    duties = OnCallDuty.objects.filter(shift__specialty=cardiology).select_related("shift")
    for duty in duties:
        start = timezone.localtime(duty.shift.starts_at)
        if duty.specialist == away:
            assert start.date() > MONDAY + timedelta(days=1)
        if duty.specialist == busy:
            assert start.date() != FRIDAY


def test_a_shift_nobody_can_take_is_a_gap(manager, cardiology, volunteers):
    for person in volunteers:
        Absence.objects.create(specialist=person, starts_on=MONDAY, ends_on=MONDAY)
    week_of_half_days(manager, cardiology)
    result = generate(manager, cardiology, backup=False)

    assert len(result.gaps) == 2
    assert result.assigned == 8
    assert not OnCallDuty.objects.filter(rank=2).exists()


def test_nobody_is_called_before_publication_then_the_first_on_call_is(
    manager, cardiology, volunteers
):
    week_of_half_days(manager, cardiology)
    generate(manager, cardiology)
    monday_9h = at(MONDAY, 9)
    assert on_call_at(cardiology.pk, monday_9h) == []
    assert on_call_gaps(at(MONDAY, 0), at(FRIDAY, 23)).count() == 10

    published = services.on_call_roster_publish(
        by=manager, specialty=cardiology, first_day=MONDAY, last_day=FRIDAY
    )
    again = services.on_call_roster_publish(
        by=manager, specialty=cardiology, first_day=MONDAY, last_day=FRIDAY
    )

    assert (published, again) == (10, 0)
    first, backup = OnCallDuty.objects.filter(shift__starts_at=monday_9h - timedelta(hours=1))
    assert on_call_at(cardiology.pk, monday_9h) == [first.specialist, backup.specialist]
    assert not on_call_gaps(at(MONDAY, 0), at(FRIDAY, 23)).exists()
    told = Notification.objects.filter(title__startswith="Tableau de garde publié")
    assert {n.recipient_id for n in told} == {v.pk for v in volunteers}


def test_published_duties_are_kept_when_generating_again(manager, cardiology, volunteers):
    week_of_half_days(manager, cardiology)
    generate(manager, cardiology)
    services.on_call_roster_publish(
        by=manager, specialty=cardiology, first_day=MONDAY, last_day=FRIDAY
    )
    before = list(OnCallDuty.objects.values_list("pk", "specialist_id"))
    result = generate(manager, cardiology)
    assert result.shifts == 0
    assert list(OnCallDuty.objects.values_list("pk", "specialist_id")) == before


def test_an_absent_specialist_on_duty_is_not_called_and_the_shift_is_a_gap(
    manager, cardiology, volunteers
):
    week_of_half_days(manager, cardiology, presets=[ShiftPreset.MORNING], weekdays=[0])
    generate(manager, cardiology, backup=False)
    services.on_call_roster_publish(
        by=manager, specialty=cardiology, first_day=MONDAY, last_day=MONDAY
    )
    duty = OnCallDuty.objects.get()
    Absence.objects.create(specialist=duty.specialist, starts_on=MONDAY, ends_on=MONDAY)

    assert on_call_at(cardiology.pk, at(MONDAY, 9)) == []
    assert list(on_call_gaps(at(MONDAY, 0), at(MONDAY, 23))) == [duty.shift]


def test_the_manager_fills_a_gap_with_a_free_volunteer(manager, cardiology, volunteers):
    shift = services.on_call_shift_create(
        by=manager, specialty=cardiology, starts_at=at(MONDAY, 8), ends_at=at(MONDAY, 13)
    )
    Absence.objects.create(specialist=volunteers[0], starts_on=MONDAY, ends_on=MONDAY)
    with pytest.raises(ValidationError) as refused:
        services.on_call_duty_assign(
            by=manager, shift_id=shift.pk, rank=1, specialist=volunteers[0]
        )
    assert "absent ce jour-là" in str(refused.value)
    outsider = UserFactory(specialist=True, specialty=cardiology)
    with pytest.raises(ValidationError) as refused:
        services.on_call_duty_assign(by=manager, shift_id=shift.pk, rank=1, specialist=outsider)
    assert "n'est pas volontaire" in str(refused.value)

    services.on_call_duty_assign(by=manager, shift_id=shift.pk, rank=1, specialist=volunteers[1])
    services.on_call_duty_assign(by=manager, shift_id=shift.pk, rank=1, specialist=volunteers[1])
    assert list(shift.duties.values_list("specialist_id", "rank")) == [(volunteers[1].pk, 1)]


def test_a_started_shift_stays(manager, cardiology):
    shift = OnCallShift.objects.create(
        specialty=cardiology,
        starts_at=timezone.now() - timedelta(hours=1),
        ends_at=timezone.now() + timedelta(hours=1),
    )
    with pytest.raises(TransitionNotAllowed) as refused:
        services.on_call_shift_delete(by=manager, shift_id=shift.pk)
    assert "a commencé" in str(refused.value)
    later = services.on_call_shift_create(
        by=manager, specialty=cardiology, starts_at=at(MONDAY, 8), ends_at=at(MONDAY, 13)
    )
    services.on_call_shift_delete(by=manager, shift_id=later.pk)
    assert list(OnCallShift.objects.all()) == [shift]


def test_what_is_over_is_not_planned(manager, cardiology):
    today = timezone.localdate()
    past_week = today - timedelta(days=30)

    every_day = list(range(7))

    def plan(first_day, last_day):
        return services.on_call_shifts_create(
            by=manager,
            specialty=cardiology,
            first_day=first_day,
            last_day=last_day,
            presets=HALF_DAYS,
            weekdays=every_day,
        )

    with pytest.raises(ValidationError, match="Cette période est passée"):
        plan(past_week, past_week)
    with pytest.raises(ValidationError, match="Cette garde est déjà finie"):
        services.on_call_shift_create(
            by=manager,
            specialty=cardiology,
            starts_at=timezone.now() - timedelta(hours=5),
            ends_at=timezone.now() - timedelta(hours=1),
        )
    assert not OnCallShift.objects.exists()
    # A period from yesterday plans only what is not over yet.
    plan(today - timedelta(days=1), today + timedelta(days=1))
    assert OnCallShift.objects.exists()
    assert not OnCallShift.objects.filter(ends_at__lte=timezone.now()).exists()


def test_a_started_shift_is_not_offered_for_deletion(manager, cardiology, client_for):
    started = OnCallShift.objects.create(
        specialty=cardiology,
        starts_at=timezone.now() - timedelta(hours=1),
        ends_at=timezone.now() + timedelta(hours=1),
    )
    later = services.on_call_shift_create(
        by=manager,
        specialty=cardiology,
        starts_at=timezone.now() + timedelta(hours=2),
        ends_at=timezone.now() + timedelta(hours=4),
    )

    page = (
        client_for(manager).get(reverse("scheduling:on_call"), {"specialite": cardiology.pk}).text
    )

    assert reverse("scheduling:on_call_shift_delete", args=[started.public_id]) not in page
    assert reverse("scheduling:on_call_shift_delete", args=[later.public_id]) in page
