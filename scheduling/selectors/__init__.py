"""Reads on places and times: specialists' free slots and absences, advanced-consultation
sessions, calendar feeds. `sessions_visible_to` is the only definition of who sees which
session. On-call rosters are in oncall.py, opening hours and the opening calendar in hours.py,
re-exported here."""

from datetime import date, datetime, timedelta

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import TruncDate
from django.shortcuts import get_object_or_404
from django.utils import timezone

from ess.roles import Role
from scheduling.models import (
    Absence,
    Appointment,
    AvailabilitySlot,
    Booking,
    CalendarFeed,
    ConsultationPlan,
    ConsultationSession,
    ConsultationSite,
    SessionStatus,
    SwapRequest,
    SwapStatus,
)
from scheduling.rota import Availability, SessionSlot
from scheduling.selectors.hours import (  # noqa: F401  (re-exported for the callers)
    OPENING_CALENDAR_CACHE_KEY,
    closures_to_come,
    opening_calendar,
    opening_ranges,
    opening_summary,
)
from scheduling.selectors.oncall import (  # noqa: F401  (re-exported for the callers)
    my_on_call_duties,
    next_on_call_start,
    next_on_call_starts,
    on_call_at,
    on_call_duties,
    on_call_duty_get_for_user,
    on_call_gaps,
    on_call_gaps_to_come,
    on_call_now,
    on_call_shifts_visible_to,
    on_call_specialties,
    on_call_volunteers,
    on_call_week,
    pending_on_call_swaps,
    specialties_on_call,
    staffed,
)


# ---------------------------------------------------------------------------------------------
# Availability
# ---------------------------------------------------------------------------------------------
def agenda_conflict(specialist_id: int, at: datetime) -> str:
    """Why the specialist cannot see a patient at `at` ("" when they can): a session of advanced
    consultation they run then (not cancelled), or a day of absence."""
    agenda = Availability([specialist_id], at, at + timedelta(minutes=1), slots=False)
    return agenda.conflict(specialist_id, SessionSlot(None, at, at + timedelta(minutes=1)))


def absent_on(day: date) -> Exists:
    """A condition on users: absent on `day`."""
    return Exists(
        Absence.objects.filter(specialist_id=OuterRef("pk"), starts_on__lte=day, ends_on__gte=day)
    )


def free_slots() -> QuerySet[AvailabilitySlot]:
    """Slots to come with a free place, of active specialists, outside their absences."""
    absent = Exists(
        Absence.objects.filter(
            specialist_id=OuterRef("specialist_id"),
            starts_on__lte=OuterRef("day"),
            ends_on__gte=OuterRef("day"),
        )
    )
    return (
        AvailabilitySlot.objects.filter(starts_at__gt=timezone.now(), specialist__is_active=True)
        .filter(booked__lt=F("capacity"))
        .annotate(day=TruncDate("starts_at"))
        .exclude(absent)
        .order_by("starts_at", "pk")
    )


def free_slots_for_specialty(specialty_id: int, *, limit: int = 8) -> list[AvailabilitySlot]:
    """The next free slots of a specialty, soonest first (one query)."""
    return list(free_slots().filter(specialty_id=specialty_id).select_related("specialist")[:limit])


def next_free_slot_subquery() -> Subquery:
    """For a user queryset: the start of their next free slot (None without one)."""
    return Subquery(free_slots().filter(specialist_id=OuterRef("pk")).values("starts_at")[:1])


def slots_of(user) -> list[AvailabilitySlot]:
    """A specialist's slots to come, with the referrals booked in them."""
    return list(
        AvailabilitySlot.objects.filter(specialist=user, ends_at__gte=timezone.now())
        .prefetch_related(Prefetch("bookings", queryset=Booking.objects.select_related("referral")))
        .order_by("starts_at")[:200]
    )


def absences_of(user) -> list[Absence]:
    return list(
        Absence.objects.filter(specialist=user, ends_on__gte=timezone.localdate()).order_by(
            "starts_on"
        )
    )


def booking_for(referral) -> Booking | None:
    """The slot booking a referral (or referral id) holds, if any."""
    return (
        Booking.objects.select_related("slot", "slot__specialist").filter(referral=referral).first()
    )


# ---------------------------------------------------------------------------------------------
# Advanced consultations
# ---------------------------------------------------------------------------------------------


def sessions_visible_to(user) -> QuerySet[ConsultationSession]:
    """Coordinators and managers: every session. Specialists: their own (drafts included) and
    the published ones. Paramedics: those they run (nurse-led consultations). Anyone else
    (requesters, ARS/CPAM who follow aggregates): none."""
    if not user or not user.is_authenticated:
        return ConsultationSession.objects.none()
    roles = user.roles
    if Role.COORDINATOR in roles or Role.MANAGER in roles:
        return ConsultationSession.objects.all()
    if Role.SPECIALIST in roles:
        return ConsultationSession.objects.filter(
            Q(specialist=user) | Q(status=SessionStatus.PUBLISHED)
        )
    if Role.PARAMEDIC in roles:  # nurse-led consultations: the ones they run
        return ConsultationSession.objects.filter(specialist=user)
    return ConsultationSession.objects.none()


def session_get_for_user(user, public_id) -> ConsultationSession:
    return get_object_or_404(
        sessions_visible_to(user).select_related("site__commune", "specialist", "specialty"),
        public_id=public_id,
    )


def with_fill(qs: QuerySet[ConsultationSession]) -> QuerySet[ConsultationSession]:
    """Annotate `booked` and `free` (places left)."""
    return qs.annotate(booked=Count("appointments", distinct=True)).annotate(
        free=F("capacity") - F("booked")
    )


def bookable_sessions(*, specialty_id: int, near=None, limit: int = 8) -> list[ConsultationSession]:
    """Published sessions to come of the specialty with a free place (nurse-led consultations
    under a protocol aside), nearest the commune `near` first (same commune, then same EPCI,
    then same département, then the others), then soonest. One query."""
    commune = near
    proximity = Value(3)
    if commune is not None:
        whens = [When(site__commune_id=commune.code, then=Value(0))]
        if commune.epci:
            whens.append(When(site__commune__epci=commune.epci, then=Value(1)))
        whens.append(When(site__commune__departement_id=commune.departement_id, then=Value(2)))
        proximity = Case(*whens, default=Value(3), output_field=IntegerField())
    qs = with_fill(
        ConsultationSession.objects.filter(
            status=SessionStatus.PUBLISHED,
            specialty_id=specialty_id,
            starts_at__gt=timezone.now(),
        ).exclude(plan__protocol__isnull=False)  # nurse-led: not for a specialist's opinion
    )
    return list(
        qs.filter(free__gt=0)
        .annotate(proximity=proximity)
        .select_related("site__commune", "specialist")
        .order_by("proximity", "starts_at", "pk")[:limit]
    )


def appointment_for(referral) -> Appointment | None:
    """The advanced-consultation appointment a referral (or referral id) holds, if any."""
    return (
        Appointment.objects.filter(referral=referral)
        .select_related("session__site__commune", "session__specialist")
        .first()
    )


def sites_list() -> list[ConsultationSite]:
    return list(
        ConsultationSite.objects.select_related("commune", "host", "convention").prefetch_related(
            "specialties"
        )
    )


def plans_list() -> list[ConsultationPlan]:
    return list(
        ConsultationPlan.objects.select_related("site__commune", "specialty")
        .prefetch_related("volunteers")
        .annotate(
            sessions_total=Count("sessions", distinct=True),
            drafts=Count("sessions", filter=Q(sessions__status=SessionStatus.DRAFT), distinct=True),
        )
    )


def plan_sessions(plan) -> list[ConsultationSession]:
    return list(
        with_fill(plan.sessions.all())
        .select_related("specialist")
        .filter(starts_at__gte=timezone.now() - timedelta(days=1))
        .exclude(status=SessionStatus.CANCELLED)
        .order_by("starts_at")
    )


def upcoming_sessions(user, *, limit: int = 40) -> list[ConsultationSession]:
    """Sessions to come the user may see, with their fill (coordinators' view)."""
    return list(
        with_fill(sessions_visible_to(user).filter(starts_at__gte=timezone.now()))
        .exclude(status=SessionStatus.CANCELLED)
        .select_related("site__commune", "specialist", "specialty")
        .order_by("starts_at", "pk")[:limit]
    )


def my_sessions(user, *, limit: int = 40) -> list[ConsultationSession]:
    """'Mes consultations avancées': the specialist's sessions to come with their bookings."""
    return list(
        with_fill(
            ConsultationSession.objects.filter(
                specialist=user, ends_at__gte=timezone.now() - timedelta(days=1)
            )
        )
        .exclude(status=SessionStatus.CANCELLED)
        .select_related("site__commune", "specialty")
        .prefetch_related(
            Prefetch(
                "appointments",
                queryset=Appointment.objects.select_related("referral").order_by("starts_at"),
            ),
            Prefetch(
                "swap_requests",
                queryset=SwapRequest.objects.filter(status=SwapStatus.PENDING).select_related(
                    "replacement"
                ),
                to_attr="pending_swaps",
            ),
        )
        .order_by("starts_at")[:limit]
    )


def pending_swaps() -> list[SwapRequest]:
    return list(
        SwapRequest.objects.filter(status=SwapStatus.PENDING)
        .select_related("session__site", "requested_by", "replacement")
        .order_by("session__starts_at")
    )


def day_sheet(session) -> list[Appointment]:
    return list(
        session.appointments.select_related("referral__patient").order_by("starts_at", "pk")
    )


def calendar_feed_user(token: str):
    feed = (
        CalendarFeed.objects.filter(key_hash=CalendarFeed.hash(token), revoked_at=None)
        .select_related("user")
        .first()
    )
    if feed is None or not feed.user.is_active:
        return None
    return feed.user


def calendar_feed_active(user) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user, revoked_at=None).first()


def sites_public(*, today: date | None = None) -> list[ConsultationSite]:
    """Active advanced-consultation sites with their specialties and the plans of the current
    or coming season (`site.current_plans`), for the public front page. Three queries."""
    today = today or timezone.localdate()
    plans = ConsultationPlan.objects.filter(season_end__gte=today).order_by("weekday", "start_time")
    return list(
        ConsultationSite.objects.filter(active=True)
        .select_related("commune")
        .prefetch_related("specialties", Prefetch("plans", plans, to_attr="current_plans"))
        .order_by("commune__name", "name")
    )
