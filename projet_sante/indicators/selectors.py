"""Reads for indicators: the figures of a period (frozen snapshot or live), the quarterly trend,
the targets. Reading an ended quarter takes its snapshot the first time (services)."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Q
from django.db.models.functions import TruncQuarter
from django.utils import timezone

from projet_sante.indicators.compute import indicators_compute
from projet_sante.indicators.models import IndicatorSnapshot, IndicatorTarget
from projet_sante.indicators.periods import PARIS, Filters, Period, referral_filter
from projet_sante.indicators.services import indicator_snapshot_make, indicator_snapshots_queue
from referrals.models import Referral


@dataclass
class Figures:
    """What pages, CSV, API and PDF show: the values and where they come from."""

    period: Period
    filters: Filters
    values: dict
    computed_at: datetime
    from_snapshot: bool = False
    trend: list[tuple[Period, dict]] = field(default_factory=list)


def quarter_snapshots(periods: list[Period], filters: Filters) -> dict[str, IndicatorSnapshot]:
    """{quarter key: snapshot} of the ended quarters among `periods` that have one: one query."""
    now = timezone.now()
    keys = [p.key for p in periods if p.kind == "quarter" and p.is_past(now)]
    if not keys:
        return {}
    return {
        s.period_key: s
        for s in IndicatorSnapshot.objects.filter(period_key__in=keys, filters_key=filters.key)
    }


def indicators_for(
    period: Period, filters: Filters | None = None, *, snapshots: dict | None = None
) -> Figures:
    """An ended quarter reads its snapshot for these filters (frozen), taken now if it was
    never taken (once: every later read, page, CSV, API or PDF, reads it); anything else is
    computed live. `snapshots`: those the caller already read (`quarter_snapshots`)."""
    filters = filters or Filters()
    if period.kind == "quarter" and period.is_past():
        if snapshots is None:
            snapshots = quarter_snapshots([period], filters)
        snapshot = snapshots.get(period.key) or indicator_snapshot_make(
            period=period, filters=filters
        )
        return Figures(period, filters, snapshot.values, snapshot.computed_at, from_snapshot=True)
    now = timezone.now()
    return Figures(period, filters, indicators_compute(period, filters, now=now), now)


def requests_trend(
    period: Period,
    filters: Filters | None = None,
    quarters: int = 8,
    *,
    known: dict | None = None,
    snapshots: dict | None = None,
    freeze: bool = False,
) -> list:
    """[(quarter, {"value", "n"})] of requests received for the `quarters` quarters up to the
    period's last quarter. Ended quarters read their snapshots (`snapshots`, else one query);
    `known` gives figures the caller already has ({quarter key: value}); the others are counted
    in one GROUP BY over their days only (index-backed), and the ended ones among them are
    queued for their snapshot, so that the next read finds it. With `freeze` (the PDFs,
    rendered in the background) the ended ones are frozen at once instead."""
    filters = filters or Filters()
    periods = period.previous_quarters(quarters)
    values = dict(known or {})
    if snapshots is None:
        snapshots = quarter_snapshots([p for p in periods if p.key not in values], filters)
    for key, snapshot in snapshots.items():
        values.setdefault(key, snapshot.values.get("requests_received"))
    missing = [p for p in periods if values.get(p.key) is None]
    if freeze:
        now = timezone.now()
        for p in [p for p in missing if p.is_past(now)]:
            snapshot = indicator_snapshot_make(period=p, filters=filters)
            values[p.key] = snapshot.values.get("requests_received")
        missing = [p for p in periods if values.get(p.key) is None]
    if missing:
        now = timezone.now()
        ended = [p for p in missing if p.is_past(now)]
        if ended:
            indicator_snapshots_queue(ended, filters)
        days = Q()
        for p in missing:
            days |= Q(submitted_at__gte=p.start, submitted_at__lt=p.end)
        rows = (
            Referral.objects.filter(referral_filter(filters), days)
            .annotate(q=TruncQuarter("submitted_at", tzinfo=PARIS))
            .order_by()
            .values_list("q")
            .annotate(n=Count("pk"))
            .values_list("q", "n")
        )
        counts = {p.key: 0 for p in missing}
        for moment, n in rows:
            local = moment.astimezone(PARIS) if isinstance(moment, datetime) else moment
            counts[f"{local.year}-Q{(local.month - 1) // 3 + 1}"] = n
        values |= {key: {"value": n, "n": n} for key, n in counts.items()}
    return [(p, values[p.key]) for p in periods]


def indicator_targets() -> dict[str, IndicatorTarget]:
    return {t.code: t for t in IndicatorTarget.objects.all()}
