"""Reads for indicators: the figures of a period (frozen snapshot or live), the quarterly trend,
the targets."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count
from django.db.models.functions import TruncQuarter
from django.utils import timezone

from projet_sante.indicators.compute import indicators_compute
from projet_sante.indicators.models import IndicatorSnapshot, IndicatorTarget
from projet_sante.indicators.periods import PARIS, Filters, Period, referral_filter
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


def indicators_for(period: Period, filters: Filters | None = None) -> Figures:
    """A past quarter with a snapshot for these filters reads it (frozen); anything else is
    computed live."""
    filters = filters or Filters()
    if period.kind == "quarter" and period.is_past():
        snapshot = IndicatorSnapshot.objects.filter(
            period_key=period.key, filters_key=filters.key
        ).first()
        if snapshot:
            return Figures(
                period, filters, snapshot.values, snapshot.computed_at, from_snapshot=True
            )
    now = timezone.now()
    return Figures(period, filters, indicators_compute(period, filters, now=now), now)


def requests_trend(period: Period, filters: Filters | None = None, quarters: int = 8) -> list:
    """[(quarter, {"value", "n"})] of requests received for the `quarters` quarters up to the
    period's last quarter: snapshots where they exist, one GROUP BY for the others."""
    filters = filters or Filters()
    periods = period.previous_quarters(quarters)
    now = timezone.now()
    frozen = {
        s.period_key: s.values.get("requests_received")
        for s in IndicatorSnapshot.objects.filter(
            period_key__in=[p.key for p in periods if p.is_past(now)], filters_key=filters.key
        )
    }
    live_counts = {}
    missing = [p for p in periods if p.key not in frozen]
    if missing:
        rows = (
            Referral.objects.filter(
                referral_filter(filters),
                submitted_at__gte=missing[0].start,
                submitted_at__lt=missing[-1].end,
            )
            .annotate(q=TruncQuarter("submitted_at", tzinfo=PARIS))
            .order_by()
            .values_list("q")
            .annotate(n=Count("pk"))
            .values_list("q", "n")
        )
        for moment, n in rows:
            local = moment.astimezone(PARIS) if isinstance(moment, datetime) else moment
            live_counts[f"{local.year}-Q{(local.month - 1) // 3 + 1}"] = n
    result = []
    for p in periods:
        if p.key in frozen and frozen[p.key] is not None:
            result.append((p, frozen[p.key]))
        else:
            n = live_counts.get(p.key, 0)
            result.append((p, {"value": n, "n": n}))
    return result


def indicator_targets() -> dict[str, IndicatorTarget]:
    return {t.code: t for t in IndicatorTarget.objects.all()}
