"""The indicators of `registry.REGISTRY`, computed by the database.

`indicators_compute(period, filters)` returns, for each code, a JSON-ready
`{"value": …, "n": …}` where `n` is the number of cases the value rests on (the base of a rate or
a median): small-count masking for ARS/CPAM users is decided on it (`display.present`).
Periods and filters live in `periods.py`.

Cohort: every referral-based indicator looks at the referrals SUBMITTED during the period (from
the first instant of its first day to the last of its last day, Europe/Paris), and at what had
happened to them when the figures were computed. A past quarter is therefore read from its
snapshot (`IndicatorSnapshot`), taken by beat when the quarter ends, so that it never changes
after the fact; the current period is computed live (`selectors.indicators_for`).

The number of queries is constant whatever the data size: one aggregate over referrals (counts,
medians and 90th percentiles with PostgreSQL's `percentile_cont`; in a savepoint with JIT off,
see below; the channels are counted there too), one over immediate opinions (callback times,
escalations), one GROUP BY for the response modes, one for
members by specialty, one for partners, one for conventions, one over advanced-consultation
sessions. On SQLite (development only) the percentiles come from one extra query per duration,
computed in Python.

Adding a source: write a function `(period, filters, now) -> {code: {"value", "n"}}`, append it
to `SOURCES` and its `Indicator`s to `registry.REGISTRY` (as `_advanced_source` does for the
advanced-consultation sessions of the referrals app).
"""

import math
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import (
    Aggregate,
    Count,
    Exists,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    Subquery,
)
from django.db.models.functions import Coalesce, Least
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import Membership
from partners.models import Convention, ConventionStatus, Partner
from projet_sante.indicators.periods import Filters, Period, referral_filter
from referrals.booking import advanced_consultation_figures
from referrals.deadlines import with_effective_priority
from referrals.models import (
    Attachment,
    Channel,
    EventKind,
    ImmediateAlert,
    Referral,
    ReferralEvent,
)


# ---------------------------------------------------------------------------------------------
# Database expressions
# ---------------------------------------------------------------------------------------------
class HoursBetween(Func):
    """(end - start) in hours, as a float."""

    output_field = FloatField()

    def __init__(self, end, start, **extra):
        super().__init__(end, start, **extra)

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="EXTRACT(EPOCH FROM (%(expressions)s)) / 3600.0",
            arg_joiner=" - ",
            **extra_context,
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="(julianday(%(expressions)s)) * 24.0",
            arg_joiner=") - julianday(",
            **extra_context,
        )


class PercentileCont(Aggregate):
    """PostgreSQL's ordered-set aggregate: percentile_cont(f) WITHIN GROUP (ORDER BY expr)."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, fraction: float, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)


def _percentile(values: list[float], fraction: float) -> float | None:
    """Linear interpolation, as percentile_cont does."""
    if not values:
        return None
    values = sorted(values)
    position = fraction * (len(values) - 1)
    low, high = math.floor(position), math.ceil(position)
    return values[low] + (values[high] - values[low]) * (position - low)


# ---------------------------------------------------------------------------------------------
# Computation
# ---------------------------------------------------------------------------------------------
TAKEN = ("accepted", "scheduled", "completed")
NOT_EXPECTED = ("cancelled", "reoriented")


def _rate(numerator: int, denominator: int) -> dict:
    value = round(100 * numerator / denominator, 1) if denominator else None
    return {"value": value, "n": denominator, "count": numerator}


def _hours(value) -> float | None:
    return round(value, 1) if value is not None else None


def _referral_figures(period: Period, filters: Filters, now: datetime) -> dict:
    submitted = Referral.objects.filter(
        referral_filter(filters), submitted_at__gte=period.start, submitted_at__lt=period.end
    )
    cohort = submitted
    first_scheduled = (
        ReferralEvent.objects.filter(referral=OuterRef("pk"), to_status="scheduled")
        .order_by("at")
        .values("at")[:1]
    )
    declined = ReferralEvent.objects.filter(referral=OuterRef("pk"), kind=EventKind.DECLINE)
    report = Attachment.objects.filter(referral=OuterRef("pk"), is_report=True)
    postgres = connection.vendor == "postgresql"
    cohort = (
        cohort.annotate(
            scheduled_at=Subquery(first_scheduled),
            was_declined=Exists(declined),
            has_report=Exists(report),
        )
        .annotate(
            # The first answer to the requester: an opinion, or an appointment, whichever came
            # first. PostgreSQL's LEAST ignores NULLs; SQLite's MIN() does not, hence the Coalesce.
            responded_at=Least(F("answered_at"), F("scheduled_at"))
            if postgres
            else Least(
                Coalesce(F("answered_at"), F("scheduled_at")),
                Coalesce(F("scheduled_at"), F("answered_at")),
            ),
        )
        .annotate(
            triage_hours=HoursBetween(F("triaged_at"), F("submitted_at")),
            response_hours=HoursBetween(F("responded_at"), F("submitted_at")),
        )
    )
    triaged = Q(triaged_at__isnull=False)
    responded = Q(responded_at__isnull=False)
    # Outcome known: answered, or its due time has passed without an answer.
    due_known = (
        Q(due_at__isnull=False) & ~Q(status__in=NOT_EXPECTED) & (responded | Q(due_at__lt=now))
    )
    within = Q(responded_at__lte=F("due_at"))
    aggregates = {
        "received": Count("pk"),
        "triaged": Count("pk", filter=triaged),
        "responded": Count("pk", filter=responded),
        "taken": Count("pk", filter=triaged & Q(status__in=TAKEN)),
        "declined": Count("pk", filter=triaged & Q(was_declined=True)),
        "reoriented": Count("pk", filter=Q(status="reoriented")),
        "expected": Count("pk", filter=~Q(status__in=NOT_EXPECTED)),
        "closed_loop": Count(
            "pk", filter=Q(status="completed") & (~Q(answer="") | Q(has_report=True))
        ),
    }
    for channel in Channel.values:
        aggregates[f"channel_{channel}"] = Count("pk", filter=Q(channel=channel))
    for priority in ("P1", "P2"):
        # The priority set at triage, else the urgency asked for: a request never triaged
        # whose provisional due time passed counts as late.
        base = with_effective_priority(priority) & due_known
        aggregates[f"{priority}_base"] = Count("pk", filter=base)
        aggregates[f"{priority}_within"] = Count("pk", filter=base & within)
    if postgres:
        for name, flag in (("triage", triaged), ("response", responded)):
            for label, fraction in (("median", 0.5), ("p90", 0.9)):
                aggregates[f"{name}_{label}"] = PercentileCont(
                    F(f"{name}_hours"), fraction, filter=flag
                )
    if postgres:
        with transaction.atomic(), connection.cursor() as cursor:
            # The plan's cost (one correlated lookup per referral) makes PostgreSQL JIT-compile
            # it, which alone takes ~0.6 s for a query that runs in ~0.4 s: not worth it here.
            cursor.execute("SET LOCAL jit = off")
            row = cohort.aggregate(**aggregates)
    else:
        row = cohort.aggregate(**aggregates)
    if not postgres:
        for name, flag in (("triage", triaged), ("response", responded)):
            hours = list(cohort.filter(flag).values_list(f"{name}_hours", flat=True))
            row[f"{name}_median"] = _percentile(hours, 0.5)
            row[f"{name}_p90"] = _percentile(hours, 0.9)

    modes = dict(
        submitted.filter(triaged)
        .exclude(response_mode="")
        .order_by()
        .values_list("response_mode")
        .annotate(n=Count("pk"))
        .values_list("response_mode", "n")
    )
    channels = {c: row[f"channel_{c}"] for c in Channel.values if row[f"channel_{c}"]}
    return {
        "requests_received": {"value": row["received"], "n": row["received"]},
        "triage_median_hours": {"value": _hours(row["triage_median"]), "n": row["triaged"]},
        "triage_p90_hours": {"value": _hours(row["triage_p90"]), "n": row["triaged"]},
        "response_median_hours": {"value": _hours(row["response_median"]), "n": row["responded"]},
        "response_p90_hours": {"value": _hours(row["response_p90"]), "n": row["responded"]},
        "p1_within_due_pct": _rate(row["P1_within"], row["P1_base"]),
        "p2_within_due_pct": _rate(row["P2_within"], row["P2_base"]),
        "response_modes": {"value": modes, "n": sum(modes.values())},
        "requests_by_channel": {"value": channels, "n": sum(channels.values())},
        "acceptance_pct": _rate(row["taken"], row["triaged"]),
        "decline_pct": _rate(row["declined"], row["triaged"]),
        "reorientation_pct": _rate(row["reoriented"], row["received"]),
        "closed_loop_pct": _rate(row["closed_loop"], row["expected"]),
    }


def _network_figures(period: Period, filters: Filters) -> dict:
    # In the ESS on the last day: joined before the end, and either still active or left after.
    members = Membership.objects.filter(joined_at__lt=period.end).filter(
        Q(status="active", ended_at__isnull=True) | Q(ended_at__gte=period.end)
    )
    if filters.specialty:
        members = members.filter(specialty__code=filters.specialty)
    by_specialty = dict(
        members.order_by()
        .values_list("specialty__label")
        .annotate(n=Count("pk"))
        .values_list("specialty__label", "n")
    )
    by_specialty = {label or str(_("Sans spécialité")): n for label, n in by_specialty.items()}
    counts = Partner.objects.filter(created_at__lt=period.end).aggregate(n=Count("pk"))
    conventions = Convention.objects.aggregate(
        in_force=Count(
            "pk",
            filter=Q(
                status__in=[ConventionStatus.ACTIVE, ConventionStatus.EXPIRED],
                effective_on__lte=period.last,
            )
            & (Q(end_on__isnull=True) | Q(end_on__gte=period.last)),
        ),
        signed=Count("pk", filter=Q(signed_on__gte=period.first, signed_on__lte=period.last)),
    )
    total = sum(by_specialty.values())
    return {
        "active_members": {"value": total, "n": total},
        "members_by_specialty": {
            "value": dict(sorted(by_specialty.items(), key=lambda kv: (-kv[1], kv[0]))),
            "n": total,
        },
        "partners": {"value": counts["n"], "n": counts["n"]},
        "conventions_in_force": {"value": conventions["in_force"], "n": conventions["in_force"]},
        "conventions_signed": {"value": conventions["signed"], "n": conventions["signed"]},
    }


def _immediate_figures(period: Period, filters: Filters) -> dict:
    """Immediate opinions of the period: one aggregate (percentiles on PostgreSQL; on SQLite
    one more query, computed in Python). The callback is the specialist taking the case (their
    answer to the alert); an escalated one alerted a second level."""
    cohort = Referral.objects.filter(
        referral_filter(filters),
        immediate=True,
        submitted_at__gte=period.start,
        submitted_at__lt=period.end,
    ).annotate(callback_minutes=HoursBetween(F("accepted_at"), F("submitted_at")) * 60)
    escalated = Exists(ImmediateAlert.objects.filter(referral=OuterRef("pk"), level__gte=2))
    called_back = Q(accepted_at__isnull=False)
    aggregates = {
        "asked": Count("pk"),
        "called_back": Count("pk", filter=called_back),
        "expected": Count("pk", filter=~Q(status="cancelled")),
        "answered_15": Count(
            "pk",
            filter=~Q(status="cancelled")
            & Q(answered_at__lte=F("submitted_at") + timedelta(minutes=15)),
        ),
        "escalated": Count("pk", filter=escalated),
    }
    postgres = connection.vendor == "postgresql"
    if postgres:
        for label, fraction in (("median", 0.5), ("p90", 0.9)):
            aggregates[label] = PercentileCont(F("callback_minutes"), fraction, filter=called_back)
    row = cohort.aggregate(**aggregates)
    if not postgres:
        minutes = list(cohort.filter(called_back).values_list("callback_minutes", flat=True))
        row["median"], row["p90"] = _percentile(minutes, 0.5), _percentile(minutes, 0.9)
    return {
        "immediate_requests": {"value": row["asked"], "n": row["asked"]},
        "immediate_callback_median_minutes": {
            "value": _hours(row["median"]),
            "n": row["called_back"],
        },
        "immediate_callback_p90_minutes": {"value": _hours(row["p90"]), "n": row["called_back"]},
        "immediate_answered_15min_pct": _rate(row["answered_15"], row["expected"]),
        "immediate_escalated_pct": _rate(row["escalated"], row["asked"]),
    }


Source = Callable[[Period, Filters, datetime], dict]


def _referrals_source(period: Period, filters: Filters, now: datetime) -> dict:
    return _referral_figures(period, filters, now)


def _network_source(period: Period, filters: Filters, now: datetime) -> dict:
    return _network_figures(period, filters)


def _immediate_source(period: Period, filters: Filters, now: datetime) -> dict:
    return _immediate_figures(period, filters)


def _advanced_source(period: Period, filters: Filters, now: datetime) -> dict:
    """Advanced consultations: one aggregate over sessions (filters by site, not patient)."""
    figures = advanced_consultation_figures(
        period.first,
        period.last,
        specialty=filters.specialty or None,
        departement=filters.departement or None,
        commune=filters.commune or None,
        now=now,
    )
    return {code: {"value": n, "n": figures["patients_seen"]} for code, n in figures.items()}


# Each source returns {code: {"value", "n"}} for some codes of REGISTRY.
SOURCES: list[Source] = [_referrals_source, _immediate_source, _network_source, _advanced_source]


def indicators_compute(period: Period, filters: Filters | None = None, *, now=None) -> dict:
    """Every indicator for the period, live from the database. JSON-ready."""
    filters = filters or Filters()
    now = now or timezone.now()
    values: dict = {}
    for source in SOURCES:
        values.update(source(period, filters, now))
    return values
