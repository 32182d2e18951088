"""On-call rosters: who is called for a specialty at a given time (read by the immediate
opinions), the shifts nobody covers, a specialty's week, a specialist's duties, the swaps to
decide, and `on_call_shifts_visible_to`, the only definition of who sees which shift."""

from datetime import date, timedelta

from django.conf import settings
from django.db.models import Exists, Min, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import TruncDate
from django.shortcuts import get_object_or_404
from django.utils import timezone

from ess.models import Specialty
from ess.roles import Role
from scheduling.models import (
    Absence,
    OnCallDuty,
    OnCallRoster,
    OnCallShift,
    OnCallSwap,
    ShiftStatus,
    SwapStatus,
)


def _absent_during_shift(specialist_ref: str, day_ref: str) -> Exists:
    """A condition: the specialist (`specialist_ref`, an outer field) is absent on the day the
    outer `day_ref` names."""
    return Exists(
        Absence.objects.filter(
            specialist_id=OuterRef(specialist_ref),
            starts_on__lte=OuterRef(day_ref),
            ends_on__gte=OuterRef(day_ref),
        )
    )


def _duty_absent_on(day: date) -> Exists:
    """A condition on duties: their specialist is absent on `day`."""
    return Exists(
        Absence.objects.filter(
            specialist_id=OuterRef("specialist_id"), starts_on__lte=day, ends_on__gte=day
        )
    )


def _duties_at(at) -> QuerySet[OnCallDuty]:
    """The duties of published shifts running at `at`, of active specialists not absent that
    day: who is called."""
    return OnCallDuty.objects.filter(
        shift__status=ShiftStatus.PUBLISHED,
        shift__starts_at__lte=at,
        shift__ends_at__gt=at,
        specialist__is_active=True,
    ).exclude(_duty_absent_on(timezone.localtime(at).date()))


def on_call_duties(specialty_id, at) -> QuerySet[OnCallDuty]:
    """The duties of the published shifts of `specialty_id` running at `at`, in the order they
    are called: rank, then the earlier shift. Inactive specialists, and those absent that day,
    are left out."""
    return (
        _duties_at(at)
        .filter(shift__specialty_id=specialty_id)
        .select_related("specialist", "shift")
        .order_by("rank", "shift__starts_at", "pk")
    )


def on_call_at(specialty_id, at) -> list:
    """The specialists on call for `specialty_id` at `at`, first called first; each once."""
    seen, people = set(), []
    for duty in on_call_duties(specialty_id, at):
        if duty.specialist_id not in seen:
            seen.add(duty.specialist_id)
            people.append(duty.specialist)
    return people


def staffed() -> Exists:
    """A condition on shifts: published, with a duty whose specialist is active and not absent
    on the shift's first day, so someone will be called."""
    duties = (
        OnCallDuty.objects.filter(shift_id=OuterRef("pk"), specialist__is_active=True)
        .annotate(day=TruncDate("shift__starts_at"))
        .exclude(_absent_during_shift("specialist_id", "day"))
    )
    return Exists(duties) & Q(status=ShiftStatus.PUBLISHED)


def next_on_call_start(specialty_id, after):
    """When the next shift of `specialty_id` with someone on it starts after `after`, or None."""
    return (
        OnCallShift.objects.filter(staffed(), specialty_id=specialty_id, starts_at__gt=after)
        .order_by("starts_at")
        .values_list("starts_at", flat=True)
        .first()
    )


def next_on_call_starts(after) -> dict:
    """{specialty id: when its next staffed shift starts after `after`}, in one query (the
    specialties without a shift to come are absent)."""
    return dict(
        OnCallShift.objects.filter(staffed(), starts_at__gt=after)
        .values("specialty_id")
        .annotate(first=Min("starts_at"))
        .values_list("specialty_id", "first")
    )


def specialties_on_call(at) -> set:
    """Ids of the specialties with at least one active specialist on call at `at`."""
    return set(_duties_at(at).values_list("shift__specialty_id", flat=True))


def on_call_now(at) -> list[tuple]:
    """[(specialty, [specialists, first called first])] for every specialty on call at `at`.
    One query."""
    by_specialty: dict = {}
    duties = (
        _duties_at(at)
        .select_related("specialist", "shift__specialty")
        .order_by("shift__specialty__label", "rank", "shift__starts_at", "pk")
    )
    for duty in duties:
        people = by_specialty.setdefault(duty.shift.specialty, [])
        if duty.specialist not in people:
            people.append(duty.specialist)
    return list(by_specialty.items())


def on_call_specialties() -> list[Specialty]:
    """The specialties a roster may be kept for: the ESS's, and any with a roster already."""
    return list(
        Specialty.objects.filter(
            Q(team__isnull=False) | Q(pk__in=OnCallRoster.objects.values("specialty_id"))
        )
        .distinct()
        .order_by("label")
    )


def on_call_gaps(start, end, *, specialty_id=None) -> QuerySet[OnCallShift]:
    """The shifts starting in [start, end) nobody will be called for: a draft, no duty, or only
    inactive or absent specialists on it."""
    qs = OnCallShift.objects.filter(starts_at__gte=start, starts_at__lt=end).exclude(staffed())
    if specialty_id is not None:
        qs = qs.filter(specialty_id=specialty_id)
    return qs.select_related("specialty").order_by("starts_at", "pk")


def on_call_gaps_to_come() -> QuerySet[OnCallShift]:
    """The gaps (on_call_gaps) of the next ON_CALL_GAP_WARNING_DAYS days: the managers'
    to-do."""
    now = timezone.now()
    return on_call_gaps(now, now + timedelta(days=settings.ON_CALL_GAP_WARNING_DAYS))


def on_call_week(specialty_id, start, end) -> list[OnCallShift]:
    """The shifts of a specialty starting in [start, end), each with `is_gap` and its duties
    in rank order (`duties.all()`), each duty with `absent` and `pending_swap`. Three queries."""
    pending = Exists(OnCallSwap.objects.filter(duty_id=OuterRef("pk"), status=SwapStatus.PENDING))
    duties = (
        OnCallDuty.objects.select_related("specialist")
        .annotate(
            day=TruncDate("shift__starts_at"),
            absent=_absent_during_shift("specialist_id", "day"),
            pending_swap=pending,
        )
        .order_by("rank")
    )
    return list(
        OnCallShift.objects.filter(
            specialty_id=specialty_id, starts_at__gte=start, starts_at__lt=end
        )
        .annotate(is_gap=~staffed())
        .prefetch_related(Prefetch("duties", queryset=duties))
        .order_by("starts_at", "pk")
    )


def my_on_call_duties(user, *, limit: int = 30) -> list[OnCallDuty]:
    """The specialist's published duties not yet over, with `pending_swap`."""
    pending = Exists(OnCallSwap.objects.filter(duty_id=OuterRef("pk"), status=SwapStatus.PENDING))
    return list(
        OnCallDuty.objects.filter(
            specialist=user,
            shift__status=ShiftStatus.PUBLISHED,
            shift__ends_at__gt=timezone.now(),
        )
        .select_related("shift__specialty")
        .annotate(pending_swap=pending)
        .order_by("shift__starts_at")[:limit]
    )


def on_call_shifts_visible_to(user) -> QuerySet[OnCallShift]:
    """The only definition of who sees which on-call shift: managers every one, coordinators
    and specialists the published ones, nobody else any. Duties prefetched in rank order."""
    qs = OnCallShift.objects.select_related("specialty").prefetch_related(
        Prefetch("duties", OnCallDuty.objects.select_related("specialist").order_by("rank"))
    )
    if not user or not user.is_authenticated:
        return qs.none()
    roles = user.roles
    if Role.MANAGER in roles:
        return qs.order_by("starts_at", "pk")
    if Role.COORDINATOR in roles or Role.SPECIALIST in roles:
        return qs.filter(status=ShiftStatus.PUBLISHED).order_by("starts_at", "pk")
    return qs.none()


def on_call_duty_get_for_user(user, public_id) -> OnCallDuty:
    """A duty of `user`'s, by its shift's public id (404 for any other)."""
    return get_object_or_404(
        OnCallDuty.objects.select_related("shift"), shift__public_id=public_id, specialist=user
    )


def pending_on_call_swaps() -> list[OnCallSwap]:
    return list(
        OnCallSwap.objects.filter(status=SwapStatus.PENDING)
        .select_related("duty__shift__specialty", "requested_by", "replacement")
        .order_by("duty__shift__starts_at")
    )


def on_call_volunteers(specialty_id) -> list:
    """The volunteers of a specialty's roster, by name."""
    roster = OnCallRoster.objects.filter(specialty_id=specialty_id).first()
    if roster is None:
        return []
    return list(roster.volunteers.filter(is_active=True).order_by("last_name", "first_name"))
