"""The indicators of `registry.REGISTRY`, computed by the database.

`indicators_compute(period, filters)` returns, for each code, a JSON-ready
`{"value": …, "n": …}` where `n` is the number of cases the value rests on (the base of a rate or
a median): small-count masking for ARS/CPAM users is decided on it (`display.present`).
Periods and filters live in `periods.py`.

Cohort: every referral-based indicator looks at the referrals SUBMITTED during the period (from
the first instant of its first day to the last of its last day, Europe/Paris), and at what had
happened to them when the figures were computed. An ended quarter is therefore read from its
snapshot (`IndicatorSnapshot`), taken by beat when the quarter ends, by `manage.py
snapshot_indicators`, or on its first read, so that it never changes after the fact and is
computed once; the current period is computed live (`selectors.indicators_for`).

The number of queries is constant whatever the data size: one statement over the cohort of
referrals (the ORM's filtered cohort with its per-row flags, each referral's first appointment
looked up once by a LATERAL join, then counts, channels, medians and 90th percentiles with
PostgreSQL's `percentile_cont` in one pass; in a savepoint with JIT off), one over immediate
opinions (callback times, escalations), one GROUP BY for the response modes, one for members by
specialty, one for partners, one for conventions, one over advanced-consultation sessions, one
over care pathways and case meetings (`pathway_figures.py`), one over trainings, campaigns,
ETP sessions and residents (`event_figures.py`), one for representativeness and the communes
reached (`territory_figures.py`). On
SQLite (development only) the durations come from one extra query, their percentiles computed in
Python. bench/indicators_reference.py writes the same figures by hand in SQL (the benchmark's
reference; tests assert both agree).

Adding a source: write a function `(period, filters, now) -> {code: {"value", "n"}}`, append it
to `SOURCES` and its `Indicator`s to `registry.REGISTRY` (as `_advanced_source` does for the
advanced-consultation sessions of the referrals app).
"""

from collections.abc import Callable
from contextlib import nullcontext
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import Membership
from partners.models import Convention, ConventionStatus, Partner
from projet_sante.indicators.event_figures import event_figures
from projet_sante.indicators.expressions import (
    HoursBetween,
    PercentileCont,
    percentile,
    rate,
    tenth,
)
from projet_sante.indicators.pathway_figures import pathway_figures
from projet_sante.indicators.periods import Filters, Period, referral_filter
from projet_sante.indicators.territory_figures import territory_figures
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
# Computation
# ---------------------------------------------------------------------------------------------
TAKEN = ("accepted", "scheduled", "completed")
NOT_EXPECTED = ("cancelled", "reoriented")


# The cohort's figures in one statement. `base` is the ORM's cohort query (filters, per-row
# flags); the first appointment of each referral is looked up once per referral (a LATERAL join
# on PostgreSQL; SQLite, for development, has no LATERAL and takes a correlated subquery);
# everything else is counted in one pass over the result.
_SCHEDULED = {
    "postgresql": (
        "s.at",
        "LEFT JOIN LATERAL (SELECT e.at FROM {events} e WHERE e.referral_id = b.id "
        "AND e.to_status = %s ORDER BY e.at LIMIT 1) s ON true",
    ),
    "sqlite": (
        "(SELECT MIN(e.at) FROM {events} e WHERE e.referral_id = b.id AND e.to_status = %s)",
        "",
    ),
}
_RESPONDED = {
    # PostgreSQL's LEAST ignores NULLs; SQLite's MIN() does not.
    "postgresql": "LEAST(answered_at, scheduled_at)",
    "sqlite": "COALESCE(MIN(answered_at, scheduled_at), answered_at, scheduled_at)",
}
_HOURS = {
    "postgresql": "EXTRACT(EPOCH FROM (responded_at - submitted_at)) / 3600.0",
    "sqlite": "(julianday(responded_at) - julianday(submitted_at)) * 24.0",
}
_COHORT_SQL = """
WITH base AS ({base}),
cohort AS (
    SELECT b.*, {scheduled} AS scheduled_at,
        EXISTS (SELECT 1 FROM {events} d WHERE d.referral_id = b.id AND d.kind = %s) AS declined,
        EXISTS (SELECT 1 FROM {attachments} a WHERE a.referral_id = b.id AND a.is_report)
            AS has_report
    FROM base b {scheduled_join}
),
answered AS (SELECT *, {responded} AS responded_at FROM cohort),
flagged AS (
    SELECT *, {hours} AS response_hours,
        due_open AND (responded_at IS NOT NULL OR due_passed) AS due_known
    FROM answered
)
"""
_COUNTS = {
    "triaged": "triaged",
    "responded": "responded_at IS NOT NULL",
    "taken": "taken",
    "declined": "triaged AND declined",
    "reoriented": "reoriented",
    "expected": "expected",
    "closed_loop": "completed AND (has_answer OR has_report)",
    "P1_base": "p1 AND due_known",
    "P1_within": "p1 AND due_known AND responded_at <= due_at",
    "P2_base": "p2 AND due_known",
    "P2_within": "p2 AND due_known AND responded_at <= due_at",
}
_PERCENTILES = {
    f"{name}_{label}": f"percentile_cont({fraction}) WITHIN GROUP (ORDER BY {name}_hours)"
    for name in ("triage", "response")
    for label, fraction in (("median", 0.5), ("p90", 0.9))
}


def _flag(q: Q) -> ExpressionWrapper:
    return ExpressionWrapper(q, output_field=BooleanField())


def _referral_figures(period: Period, filters: Filters, now: datetime) -> dict:
    submitted = Referral.objects.filter(
        referral_filter(filters), submitted_at__gte=period.start, submitted_at__lt=period.end
    )
    triaged = Q(triaged_at__isnull=False)
    base = submitted.annotate(
        triaged=_flag(triaged),
        taken=_flag(triaged & Q(status__in=TAKEN)),
        reoriented=_flag(Q(status="reoriented")),
        expected=_flag(~Q(status__in=NOT_EXPECTED)),
        completed=_flag(Q(status="completed")),
        has_answer=_flag(~Q(answer="")),
        # The priority set at triage, else the urgency asked for: a request never triaged
        # whose provisional due time passed counts as late.
        p1=_flag(with_effective_priority("P1")),
        p2=_flag(with_effective_priority("P2")),
        # Outcome known (with the answer, below): answered, or its due time has passed.
        due_open=_flag(Q(due_at__isnull=False) & ~Q(status__in=NOT_EXPECTED)),
        due_passed=_flag(Q(due_at__lt=now)),
        triage_hours=HoursBetween(F("triaged_at"), F("submitted_at")),
    ).values(
        "id",
        "channel",
        "due_at",
        "submitted_at",
        "answered_at",
        "triaged",
        "taken",
        "reoriented",
        "expected",
        "completed",
        "has_answer",
        "p1",
        "p2",
        "due_open",
        "due_passed",
        "triage_hours",
    )
    base_sql, base_params = base.order_by().query.sql_with_params()
    vendor = "postgresql" if connection.vendor == "postgresql" else "sqlite"
    tables = {
        "events": connection.ops.quote_name(ReferralEvent._meta.db_table),
        "attachments": connection.ops.quote_name(Attachment._meta.db_table),
    }
    scheduled, scheduled_join = (part.format(**tables) for part in _SCHEDULED[vendor])
    cohort_sql = _COHORT_SQL.format(
        base=base_sql,
        scheduled=scheduled,
        scheduled_join=scheduled_join,
        responded=_RESPONDED[vendor],
        hours=_HOURS[vendor],
        **tables,
    )
    # The placeholders in the order they appear: the lateral join comes after the EXISTS.
    lookups = (
        ["scheduled", EventKind.DECLINE]
        if scheduled_join == ""
        else [EventKind.DECLINE, "scheduled"]
    )
    params = [*base_params, *lookups]
    counts = {"received": "COUNT(*)"}
    counts |= {name: f"COUNT(*) FILTER (WHERE {cond})" for name, cond in _COUNTS.items()}
    for channel in Channel.values:
        counts[f"channel_{channel}"] = "COUNT(*) FILTER (WHERE channel = %s)"
        params.append(channel)
    if vendor == "postgresql":
        counts.update(_PERCENTILES)
    select = ", ".join(counts.values())
    # A savepoint on PostgreSQL only, for SET LOCAL.
    atomic = transaction.atomic() if vendor == "postgresql" else nullcontext()
    with atomic, connection.cursor() as cursor:
        if vendor == "postgresql":
            # The plan's cost (lookups per referral) makes PostgreSQL JIT-compile it, which
            # alone takes longer than the query: not worth it here.
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(f"{cohort_sql} SELECT {select} FROM flagged", params)  # noqa: S608
        row = dict(zip(counts, cursor.fetchone(), strict=True))
        if vendor != "postgresql":
            # SQLite has no percentile_cont: the durations, computed in Python.
            durations_sql = f"{cohort_sql} SELECT triage_hours, response_hours FROM flagged"  # noqa: S608
            cursor.execute(durations_sql, params[: len(base_params) + 2])
            durations = cursor.fetchall()
            for index, name in enumerate(("triage", "response")):
                hours = [d[index] for d in durations if d[index] is not None]
                row[f"{name}_median"] = percentile(hours, 0.5)
                row[f"{name}_p90"] = percentile(hours, 0.9)

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
        "triage_median_hours": {"value": tenth(row["triage_median"]), "n": row["triaged"]},
        "triage_p90_hours": {"value": tenth(row["triage_p90"]), "n": row["triaged"]},
        "response_median_hours": {"value": tenth(row["response_median"]), "n": row["responded"]},
        "response_p90_hours": {"value": tenth(row["response_p90"]), "n": row["responded"]},
        "p1_within_due_pct": rate(row["P1_within"], row["P1_base"]),
        "p2_within_due_pct": rate(row["P2_within"], row["P2_base"]),
        "response_modes": {"value": modes, "n": sum(modes.values())},
        "requests_by_channel": {"value": channels, "n": sum(channels.values())},
        "acceptance_pct": rate(row["taken"], row["triaged"]),
        "decline_pct": rate(row["declined"], row["triaged"]),
        "reorientation_pct": rate(row["reoriented"], row["received"]),
        "closed_loop_pct": rate(row["closed_loop"], row["expected"]),
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
        row["median"], row["p90"] = percentile(minutes, 0.5), percentile(minutes, 0.9)
    return {
        "immediate_requests": {"value": row["asked"], "n": row["asked"]},
        "immediate_callback_median_minutes": {
            "value": tenth(row["median"]),
            "n": row["called_back"],
        },
        "immediate_callback_p90_minutes": {"value": tenth(row["p90"]), "n": row["called_back"]},
        "immediate_answered_15min_pct": rate(row["answered_15"], row["expected"]),
        "immediate_escalated_pct": rate(row["escalated"], row["asked"]),
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
SOURCES: list[Source] = [
    _referrals_source,
    _immediate_source,
    _network_source,
    _advanced_source,
    pathway_figures,
    event_figures,
    territory_figures,
]


def indicators_compute(period: Period, filters: Filters | None = None, *, now=None) -> dict:
    """Every indicator for the period, live from the database. JSON-ready."""
    filters = filters or Filters()
    now = now or timezone.now()
    values: dict = {}
    for source in SOURCES:
        values.update(source(period, filters, now))
    return values
