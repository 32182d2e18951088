"""Reads on referrals booked into scheduling's places: the sessions to offer a referral, and the
advanced-consultation figures the indicators read."""

from datetime import date, datetime

from django.db.models import Count, Q
from django.utils import timezone

from referrals.models import Referral, Status
from scheduling.models import ConsultationSession, SessionStatus
from scheduling.selectors import bookable_sessions


def sessions_for_referral(referral: Referral, *, limit: int = 8) -> list[ConsultationSession]:
    """Published sessions to come of the referral's specialty with a free place, nearest the
    patient first, then soonest (scheduling.selectors.bookable_sessions). One query."""
    return bookable_sessions(
        specialty_id=referral.specialty_id, near=referral.patient.commune, limit=limit
    )


# ---------------------------------------------------------------------------------------------
# Figures for the indicators (projet de santé): a patient is seen when their referral is
# scheduled or completed, which only the referrals know
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
