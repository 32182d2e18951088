"""Writes on on-call rosters: shifts (one custom span, or presets over a period), the volunteers
of a specialty, the fair roster proposed as drafts, then published, and a manager's own change
of who holds a duty. Swaps and gap warnings are in oncall_swaps.py.

A specialty's shifts never overlap (the services refuse it): ranks say who is called first, not
overlapping shifts. Lock order: the specialty's roster row, then its shifts, then their duties;
a swap's row comes before its duty."""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ess import workflow
from ess.errors import TransitionNotAllowed
from ess.models import NotificationKind, Specialty
from ess.notifications import notify
from ess.roles import Role
from members.models import User
from scheduling import permissions as perms
from scheduling.models import (
    SHIFT_PRESET_HOURS,
    OnCallDuty,
    OnCallRoster,
    OnCallShift,
    ShiftStatus,
)
from scheduling.rota import OnCallAvailability, SessionSlot, fair_assignment
from scheduling.services.common import require as _require

MAX_PERIOD_DAYS = 93  # a quarter at most per request: a typo in a year makes no thousand shifts
MAX_SHIFT_HOURS = 72  # a weekend


def roster_url(shift: OnCallShift | None = None) -> str:
    """The roster page, on the shift's specialty and week when given."""
    url = reverse("scheduling:on_call")
    if shift is None:
        return url
    day = timezone.localtime(shift.starts_at).date()
    return f"{url}?specialite={shift.specialty_id}&semaine={day:%Y-%m-%d}"


def preset_span(day: date, preset: str) -> tuple[datetime, datetime]:
    """The span of a preset shift starting on `day` (Europe/Paris)."""
    hours = SHIFT_PRESET_HOURS[preset]
    end_day = day if hours.end > hours.start else day + timedelta(days=1)
    return _at(day, hours.start), _at(end_day, hours.end)


def _at(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


def period_bounds(first_day: date, last_day: date) -> tuple[datetime, datetime]:
    """[first_day 00:00, the day after last_day 00:00), after checking the period."""
    if last_day < first_day:
        raise ValidationError({"last_day": _("La date de fin doit suivre la date de début.")})
    if (last_day - first_day).days >= MAX_PERIOD_DAYS:
        raise ValidationError(
            {"last_day": _("Une période de %(n)d jours au plus.") % {"n": MAX_PERIOD_DAYS}}
        )
    return _at(first_day, time(0)), _at(last_day + timedelta(days=1), time(0))


def roster_locked(specialty_id: int) -> OnCallRoster:
    """The specialty's roster row (created on first use), locked: every write on its shifts
    takes it first."""
    OnCallRoster.objects.get_or_create(specialty_id=specialty_id)
    return OnCallRoster.objects.select_for_update().get(specialty_id=specialty_id)


def _overlapping(specialty_id: int, start: datetime, end: datetime):
    return OnCallShift.objects.filter(
        specialty_id=specialty_id, starts_at__lt=end, ends_at__gt=start
    )


# ---------------------------------------------------------------------------------------------
# Shifts
# ---------------------------------------------------------------------------------------------
@transaction.atomic
def on_call_shift_create(
    *, by, specialty: Specialty, starts_at: datetime, ends_at: datetime, note: str = ""
) -> OnCallShift:
    """A manager adds one shift (a draft); one already begun is allowed (someone took the call
    just now), not one already over. Raises PermissionDenied, ValidationError (the end before
    the start, longer than MAX_SHIFT_HOURS, already over, overlapping another shift of the
    specialty)."""
    _require(perms.can_manage_on_call(by))
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("La fin de la garde doit suivre son début.")})
    if ends_at - starts_at > timedelta(hours=MAX_SHIFT_HOURS):
        raise ValidationError(
            {"ends_at": _("Une garde dure %(n)d heures au plus.") % {"n": MAX_SHIFT_HOURS}}
        )
    if ends_at <= timezone.now():
        raise ValidationError(
            {"ends_at": _("Cette garde est déjà finie : le tableau est pour l'avenir.")}
        )
    roster_locked(specialty.pk)
    other = _overlapping(specialty.pk, starts_at, ends_at).first()
    if other is not None:
        raise ValidationError(
            {
                "starts_at": _("Une garde de %(specialty)s couvre déjà ce moment : %(span)s.")
                % {"specialty": specialty, "span": other.span}
            }
        )
    return OnCallShift.objects.create(
        specialty=specialty,
        starts_at=starts_at,
        ends_at=ends_at,
        note=note.strip()[:200],
        status=ShiftStatus.DRAFT,
    )


@dataclass
class ShiftsResult:
    created: int
    skipped: int  # a shift of the specialty already covers them


@transaction.atomic
def on_call_shifts_create(
    *,
    by,
    specialty: Specialty,
    first_day: date,
    last_day: date,
    presets: list[str],
    weekdays: list[int],
) -> ShiftsResult:
    """A manager adds preset shifts (drafts) on the chosen weekdays (0 = Monday) of a period,
    e.g. every weekday morning and afternoon. A span an existing shift of the specialty already
    covers is skipped, so repeating the request adds nothing, and so is a span already over.
    Raises PermissionDenied, ValidationError (the period, over or too long, no preset or no day
    chosen)."""
    _require(perms.can_manage_on_call(by))
    period_bounds(first_day, last_day)
    if last_day < timezone.localdate():
        raise ValidationError(
            {"last_day": _("Cette période est passée : le tableau est pour aujourd'hui et après.")}
        )
    if not presets:
        raise ValidationError({"presets": _("Choisissez au moins une garde type.")})
    if not weekdays:
        raise ValidationError({"weekdays": _("Choisissez au moins un jour de la semaine.")})
    roster_locked(specialty.pk)
    spans = []
    day = first_day
    while day <= last_day:
        if day.weekday() in weekdays:
            spans.extend(preset_span(day, p) for p in presets)
        day += timedelta(days=1)
    now = timezone.now()
    spans = sorted(span for span in spans if span[1] > now)  # what is over is not planned
    taken = list(
        _overlapping(specialty.pk, spans[0][0], spans[-1][1]).values_list("starts_at", "ends_at")
        if spans
        else []
    )
    new = []
    for start, end in spans:
        if any(s < end and e > start for s, e in taken):
            continue
        taken.append((start, end))
        new.append(
            OnCallShift(specialty=specialty, starts_at=start, ends_at=end, status=ShiftStatus.DRAFT)
        )
    OnCallShift.objects.bulk_create(new)
    return ShiftsResult(len(new), len(spans) - len(new))


@transaction.atomic
def on_call_shift_delete(*, by, shift_id: int) -> None:
    """A manager removes a shift that has not started; the specialists on a published one are
    told. Raises PermissionDenied, TransitionNotAllowed (started)."""
    _require(perms.can_manage_on_call(by))
    shift = OnCallShift.objects.select_related("specialty").get(pk=shift_id)
    roster_locked(shift.specialty_id)
    shift = OnCallShift.objects.select_for_update().get(pk=shift_id)
    if shift.has_started:
        raise TransitionNotAllowed(_("Cette garde a commencé : elle reste au tableau."))
    if shift.is_published:
        notify(
            recipients=User.objects.filter(on_call_duties__shift=shift),
            kind=NotificationKind.ON_CALL,
            title=lambda: _("Garde supprimée : %(span)s") % {"span": shift.span},
            url=roster_url(shift),
            actor=by,
        )
    shift.delete()


# ---------------------------------------------------------------------------------------------
# Volunteers
# ---------------------------------------------------------------------------------------------
def check_on_call_specialist(user: User, specialty_id: int, *, field_name: str) -> None:
    """An active specialist of the specialty (ValidationError otherwise)."""
    if not user.is_active or Role.SPECIALIST not in user.roles or user.specialty_id != specialty_id:
        raise ValidationError(
            {
                field_name: _("%(who)s n'exerce pas la spécialité de ce tableau de garde.")
                % {"who": user.display_name}
            }
        )


@transaction.atomic
def on_call_volunteers_set(*, by, specialty: Specialty, volunteers: list[User]) -> OnCallRoster:
    """A manager sets who volunteers for the specialty's on-call. Duties already given stay.
    Raises PermissionDenied, ValidationError (not a specialist of the specialty)."""
    _require(perms.can_manage_on_call(by))
    for user in volunteers:
        check_on_call_specialist(user, specialty.pk, field_name="volunteers")
    roster = roster_locked(specialty.pk)
    roster.volunteers.set(volunteers)
    return roster


@transaction.atomic
def on_call_volunteer(*, by, volunteering: bool) -> OnCallRoster:
    """A specialist volunteers for their specialty's on-call, or withdraws (their duties
    already given stay: a swap hands them over). Doing it twice changes nothing. Raises
    PermissionDenied."""
    _require(perms.can_volunteer_on_call(by))
    roster = roster_locked(by.specialty_id)
    if volunteering:
        roster.volunteers.add(by)
    else:
        roster.volunteers.remove(by)
    return roster


# ---------------------------------------------------------------------------------------------
# The roster: a fair proposal, then publication
# ---------------------------------------------------------------------------------------------
@dataclass
class RosterResult:
    shifts: int
    assigned: int
    backups: int
    gaps: list  # draft shifts nobody can take: shown as warnings


@transaction.atomic
def on_call_roster_generate(
    *, by, specialty: Specialty, first_day: date, last_day: date, backup: bool = False
) -> RosterResult:
    """The platform proposes who is on call for each draft shift to come of the period: rank 1
    shared fairly among the volunteers (scheduling.rota.fair_assignment; the published duties
    of the period count and are not moved), and with `backup` a rank 2 shared the same way,
    never the shift's rank 1. Never an absent volunteer, nor one busy then (an
    advanced-consultation session, another duty). Generating again redoes the drafts. Raises
    PermissionDenied, ValidationError (period)."""
    _require(perms.can_manage_on_call(by))
    start, end = period_bounds(first_day, last_day)
    roster = roster_locked(specialty.pk)
    volunteers = sorted(
        roster.volunteers.filter(
            is_active=True, specialty=specialty, role_grants__role=Role.SPECIALIST
        )
        .distinct()
        .values_list("pk", flat=True)
    )
    drafts = list(
        OnCallShift.objects.select_for_update()
        .filter(
            specialty=specialty,
            status=ShiftStatus.DRAFT,
            starts_at__gte=max(start, timezone.now()),
            starts_at__lt=end,
        )
        .order_by("starts_at")
    )
    if not drafts:
        return RosterResult(0, 0, 0, [])
    OnCallDuty.objects.filter(shift__in=drafts).delete()
    fixed: dict[int, Counter] = {1: Counter(), 2: Counter()}
    for specialist_id, rank in OnCallDuty.objects.filter(
        shift__specialty=specialty,
        shift__status=ShiftStatus.PUBLISHED,
        shift__starts_at__gte=start,
        shift__starts_at__lt=end,
        rank__lte=2,
    ).values_list("specialist_id", "rank"):
        fixed[rank][specialist_id] += 1
    availability = OnCallAvailability(
        volunteers, drafts[0].starts_at, drafts[-1].ends_at, exclude_shifts=[s.pk for s in drafts]
    )
    slots = [SessionSlot(s.pk, s.starts_at, s.ends_at) for s in drafts]
    first = fair_assignment(slots, volunteers, availability.available, fixed_loads=fixed[1])
    second = {}
    if backup:
        second = fair_assignment(
            slots,
            volunteers,
            lambda v, slot: first[slot.key] != v and availability.available(v, slot),
            fixed_loads=fixed[2],
        )
    duties = [
        OnCallDuty(shift_id=key, specialist_id=who, rank=rank)
        for rank, assignment in ((1, first), (2, second))
        for key, who in assignment.items()
        if who is not None
    ]
    OnCallDuty.objects.bulk_create(duties)
    gaps = [s for s in drafts if first[s.pk] is None]
    return RosterResult(
        len(drafts), len(drafts) - len(gaps), sum(1 for v in second.values() if v), gaps
    )


@transaction.atomic
def on_call_roster_publish(*, by, specialty: Specialty, first_day: date, last_day: date) -> int:
    """A manager publishes the period's draft shifts: their duties become who is called
    (scheduling.selectors.on_call_at), and the specialists on them are told. A shift without
    anyone is published too: the roster and the managers' to-do show it as a gap. Publishing
    again publishes nothing more. Raises PermissionDenied, ValidationError (period)."""
    _require(perms.can_manage_on_call(by))
    start, end = period_bounds(first_day, last_day)
    roster_locked(specialty.pk)
    drafts = list(
        OnCallShift.objects.select_for_update().filter(
            specialty=specialty, status=ShiftStatus.DRAFT, starts_at__gte=start, starts_at__lt=end
        )
    )
    for shift in drafts:
        workflow.transition(shift, to=ShiftStatus.PUBLISHED, by=by, history=False)
    OnCallShift.objects.bulk_update(drafts, ["status"])
    if drafts:
        notify(
            recipients=User.objects.filter(on_call_duties__shift__in=drafts).distinct(),
            kind=NotificationKind.ON_CALL,
            title=lambda: (
                _("Tableau de garde publié (%(specialty)s) : du %(first)s au %(last)s")
                % {
                    "specialty": specialty,
                    "first": first_day.strftime("%d/%m/%Y"),
                    "last": last_day.strftime("%d/%m/%Y"),
                }
            ),
            url=roster_url(),
            actor=by,
        )
    return len(drafts)


@transaction.atomic
def on_call_duty_assign(*, by, shift_id: int, rank: int, specialist: User) -> OnCallDuty:
    """A manager puts a specialist on a shift at a rank (filling a gap, or in place of whoever
    held that rank). The specialist must be a volunteer free then. Told when the shift is
    published. Raises PermissionDenied, TransitionNotAllowed (started), ValidationError."""
    _require(perms.can_manage_on_call(by))
    shift = OnCallShift.objects.get(pk=shift_id)
    roster = roster_locked(shift.specialty_id)
    shift = OnCallShift.objects.select_for_update().select_related("specialty").get(pk=shift_id)
    if shift.ends_at <= timezone.now():
        raise TransitionNotAllowed(_("Cette garde est terminée."))
    held = OnCallDuty.objects.select_for_update().filter(shift=shift, rank=rank).first()
    if held is not None and held.specialist_id == specialist.pk:
        return held
    check_free_volunteer(specialist, shift, roster, field_name="specialist")
    OnCallDuty.objects.filter(shift=shift, rank=rank).delete()
    duty = save_duty(OnCallDuty(shift=shift, specialist=specialist, rank=rank), "specialist")
    if shift.is_published:
        notify(
            recipients=[specialist],
            kind=NotificationKind.ON_CALL,
            title=lambda: _("Vous êtes de garde : %(span)s") % {"span": shift.span},
            url=roster_url(shift),
            actor=by,
        )
    return duty


def check_free_volunteer(user: User, shift: OnCallShift, roster: OnCallRoster, *, field_name):
    """A volunteer of the specialty, not on this shift yet, not absent nor busy during it
    (ValidationError with the reason otherwise)."""
    check_on_call_specialist(user, shift.specialty_id, field_name=field_name)
    if not roster.volunteers.filter(pk=user.pk).exists():
        raise ValidationError(
            {
                field_name: _("%(who)s n'est pas volontaire pour les gardes de %(specialty)s.")
                % {"who": user.display_name, "specialty": shift.specialty}
            }
        )
    if shift.duties.filter(specialist=user).exists():
        raise ValidationError(
            {field_name: _("%(who)s est déjà de garde à ce moment.") % {"who": user.display_name}}
        )
    availability = OnCallAvailability(
        [user.pk], shift.starts_at, shift.ends_at, exclude_shifts=[shift.pk]
    )
    why = availability.conflict(user.pk, SessionSlot(shift.pk, shift.starts_at, shift.ends_at))
    if why:
        raise ValidationError(
            {
                field_name: _("%(who)s n'est pas disponible le %(when)s : %(why)s.")
                % {"who": user.display_name, "when": shift.span, "why": why}
            }
        )


def save_duty(duty: OnCallDuty, field_name: str) -> OnCallDuty:
    """Save a duty; the database's "once per shift" refuses a concurrent double."""
    try:
        with transaction.atomic():
            duty.save()
    except IntegrityError:
        raise ValidationError(
            {field_name: _("Cette personne est déjà de garde à ce moment.")}
        ) from None
    return duty
