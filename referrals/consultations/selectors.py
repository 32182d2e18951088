"""Reads on advanced consultations. `sessions_visible_to` is the only definition of who sees
which session."""

from datetime import date, datetime, timedelta

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from ess.roles import Role
from referrals.models import (
    Appointment,
    CalendarFeed,
    ConsultationPlan,
    ConsultationSession,
    ConsultationSite,
    SessionStatus,
    Status,
    SwapRequest,
    SwapStatus,
)


def sessions_visible_to(user) -> QuerySet[ConsultationSession]:
    """Coordinators and managers: every session. Specialists: their own (drafts included) and
    the published ones. Anyone else (requesters, ARS/CPAM who follow aggregates): none."""
    if not user or not user.is_authenticated:
        return ConsultationSession.objects.none()
    roles = user.roles
    if Role.COORDINATOR in roles or Role.MANAGER in roles:
        return ConsultationSession.objects.all()
    if Role.SPECIALIST in roles:
        return ConsultationSession.objects.filter(
            Q(specialist=user) | Q(status=SessionStatus.PUBLISHED)
        )
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


def sessions_for_referral(referral, *, limit: int = 8) -> list[ConsultationSession]:
    """Published sessions to come of the referral's specialty with a free place, nearest the
    patient first (same commune, then same EPCI, then same département, then the others), then
    soonest. One query."""
    commune = referral.patient.commune
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
            specialty_id=referral.specialty_id,
            starts_at__gt=timezone.now(),
        )
    )
    return list(
        qs.filter(free__gt=0)
        .annotate(proximity=proximity)
        .select_related("site__commune", "specialist")
        .order_by("proximity", "starts_at", "pk")[:limit]
    )


def appointment_for(referral) -> Appointment | None:
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
    from django.db.models import Prefetch

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


# ---------------------------------------------------------------------------------------------
# Figures for the indicators (projet de santé)
# ---------------------------------------------------------------------------------------------
def _code(value):
    return getattr(value, "code", getattr(value, "pk", value))


def advanced_consultation_figures(
    start: date | datetime,
    end: date | datetime,
    *,
    specialty=None,
    departement=None,
    commune=None,
    now: datetime | None = None,
) -> dict:
    """{"sessions_held", "patients_seen", "communes_served"} for the period, in ONE aggregate query.

    Held = published sessions of the period already over. Patients seen = appointments of held
    sessions whose referral is scheduled or completed. Communes served = distinct communes of the
    sites of held sessions. `start`/`end` are dates (both included, on the session's date) or
    datetimes (start included, end excluded, on its start time). `specialty`, `departement`,
    `commune` take an object or its code."""
    now = now or timezone.now()
    qs = ConsultationSession.objects.filter(status=SessionStatus.PUBLISHED, ends_at__lte=now)
    if isinstance(start, datetime):
        qs = qs.filter(starts_at__gte=start, starts_at__lt=end)
    else:
        qs = qs.filter(date__gte=start, date__lte=end)
    if specialty is not None:
        qs = qs.filter(specialty__code=_code(specialty))
    if departement is not None:
        qs = qs.filter(site__commune__departement_id=_code(departement))
    if commune is not None:
        qs = qs.filter(site__commune_id=_code(commune))
    seen = Q(appointments__referral__status__in=[Status.SCHEDULED, Status.COMPLETED])
    figures = qs.aggregate(
        sessions_held=Count("pk", distinct=True),
        patients_seen=Count("appointments", filter=seen, distinct=True),
        communes_served=Count("site__commune", distinct=True),
    )
    return {key: value or 0 for key, value in figures.items()}


def advanced_consultation_sites(start: date, end: date, *, now: datetime | None = None) -> list:
    """Per site, for the period (dates included): sessions held and patients seen, with the same
    definitions as `advanced_consultation_figures`; sites with a held session only, in ONE
    grouped query, busiest first."""
    now = now or timezone.now()
    seen = Q(appointments__referral__status__in=[Status.SCHEDULED, Status.COMPLETED])
    return list(
        ConsultationSession.objects.filter(
            status=SessionStatus.PUBLISHED, ends_at__lte=now, date__gte=start, date__lte=end
        )
        .values("site_id", "site__name", "site__commune__name", "site__underserved")
        .annotate(
            sessions_held=Count("pk", distinct=True),
            patients_seen=Count("appointments", filter=seen, distinct=True),
        )
        .order_by("-sessions_held", "site__name")
    )
