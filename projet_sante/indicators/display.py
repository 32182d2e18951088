"""Presentation of indicator values, shared by the dashboard, the CSV, the API and the PDF:
small-count masking, targets met or not, French number formatting, charts."""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from ess.roles import Role, has_role
from projet_sante.indicators.charts import bar_chart, line_chart
from projet_sante.indicators.periods import Filters, Period, previous_quarter
from projet_sante.indicators.registry import (
    ADVANCED_CONSULTATIONS,
    BY_CODE,
    EVENTS_AND_TRAINING,
    PATHWAYS_AND_MEETINGS,
    REGISTRY,
    TERRITORY,
    Indicator,
    Unit,
)
from projet_sante.indicators.selectors import (
    indicator_targets,
    indicators_for,
    quarter_snapshots,
    requests_trend,
)
from projet_sante.indicators.territory_figures import applicable_target, territory_context
from referrals.models import Channel, ResponseMode


# ---------------------------------------------------------------------------------------------
# Presentation: masking, targets, formatting (shared by page, CSV, API and PDF)
# ---------------------------------------------------------------------------------------------
def small_count_threshold() -> int:
    return settings.ESS_SMALL_COUNT_THRESHOLD


def is_masked(value: dict | None, ind: Indicator, *, mask: bool) -> bool:
    """For aggregate-only readers, a patient-derived figure resting on 1 to threshold-1 cases
    is hidden: a count that small, or a rate or median computed on so few cases, could point
    to a person. Zero is shown (it reveals nobody)."""
    if not mask or not ind.patient_data or not value:
        return False
    n = value.get("n") or 0
    return 0 < n < small_count_threshold()


def mask_label() -> str:
    return f"< {small_count_threshold()}"


def format_number(value, unit: str) -> str:
    if value is None:
        return "—"
    if unit == Unit.PERCENT:
        return f"{value:.1f}".replace(".", ",") + " %"
    if unit == Unit.HOURS:
        return f"{value:.1f}".replace(".", ",") + " h"
    if unit == Unit.MINUTES:
        return f"{value:.1f}".replace(".", ",") + " min"
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    return f"{value:,}".replace(",", "\u202f")


def masked_count(count: int, *, patient_data: bool = True) -> str:
    """A count as the PDFs show it to ARS/CPAM: below the small-count threshold, a patient
    figure is masked (« < 10 »); zero reveals nobody."""
    if patient_data and 0 < count < small_count_threshold():
        return mask_label()
    return format_number(count, Unit.COUNT)


def decimal_comma(value) -> str:
    """For the CSV: French decimal comma, no thousands separator."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    return str(value)


@dataclass
class Row:
    indicator: Indicator
    value: object  # number, None, or a dict for distributions
    n: int
    masked: bool
    display: str
    target: object = None  # IndicatorTarget or None
    target_met: bool | None = None
    parts: list = field(default_factory=list)  # distributions: [(label, count, masked, display)]

    @property
    def code(self) -> str:
        return self.indicator.code


# The French labels of a distribution's keys, where they are codes.
DISTRIBUTION_LABELS = {
    "response_modes": dict(ResponseMode.choices),
    "requests_by_channel": dict(Channel.choices),
}


def _distribution_parts(ind: Indicator, value: dict, *, mask: bool) -> list:
    """(label, count or None, hidden, shown) per part. A small part is hidden; when it is the
    only one, the smallest other part is hidden too (« masqué »): the total is shown, and the
    small part must not be found again by subtracting the others from it."""
    labels = DISTRIBUTION_LABELS.get(ind.code, {})
    counts = {key: count for key, count in (value or {}).items()}
    small = {
        key
        for key, count in counts.items()
        if mask and ind.patient_data and 0 < count < small_count_threshold()
    }
    companion = set()
    if len(small) == 1:
        others = sorted((count, key) for key, count in counts.items() if key not in small and count)
        companion = {others[0][1]} if others else set()
    parts = []
    for key, count in counts.items():
        hidden = key in small or key in companion
        shown = mask_label() if key in small else str(_("masqué")) if hidden else None
        parts.append(
            (
                str(labels.get(key, key)),
                None if hidden else count,
                hidden,
                shown or format_number(count, Unit.COUNT),
            )
        )
    # Largest first (a JSONB snapshot does not keep key order).
    return sorted(parts, key=lambda p: (p[2], -(p[1] or 0), p[0]))


def present(values: dict, *, mask: bool, targets: dict | None = None) -> list[Row]:
    """One Row per registry indicator, in registry order, masked when `mask` (authority)."""
    rows = []
    targets = targets or {}
    for ind in REGISTRY:
        value = values.get(ind.code)
        raw = value.get("value") if value else None
        n = (value.get("n") or 0) if value else 0
        masked = is_masked(value, ind, mask=mask)
        row = Row(
            indicator=ind,
            value=None if masked else raw,
            n=n,
            masked=masked,
            display="",
        )
        if ind.unit != Unit.DISTRIBUTION:
            row.display = mask_label() if masked else format_number(raw, ind.unit)
        if ind.unit == Unit.DISTRIBUTION:
            row.parts = [] if masked else _distribution_parts(ind, raw, mask=mask)
            row.display = mask_label() if masked else ""
        target = targets.get(ind.code)
        if target is not None:
            row.target = target
            row.target_met = None if row.value is None else target.is_met(row.value)
        rows.append(row)
    return rows


def viewer_masks(user) -> bool:
    """ARS/CPAM readers (authority without the manager role) get masked figures."""
    return has_role(user, Role.AUTHORITY) and not has_role(user, Role.MANAGER)


TREND_QUARTERS = 8


def indicators_context(
    period: Period, filters: Filters | None = None, *, mask: bool, freeze: bool = False
) -> dict:
    """Everything the dashboard and the PDF show for a period: rows with targets, charts (the
    same SVG in both), the quarterly trend. Constant number of queries. `freeze` (the PDFs,
    rendered in the background): the trend's ended quarters without a snapshot are frozen now
    rather than queued (`selectors.requests_trend`)."""
    filters = filters or Filters()
    quarters = period.previous_quarters(TREND_QUARTERS)
    # The snapshots of the period and of the trend's quarters, in one query.
    snapshots = quarter_snapshots([period, *quarters], filters)
    figures = indicators_for(period, filters, snapshots=snapshots)
    targets = indicator_targets()
    rows = present(figures.values, mask=mask, targets=targets)
    by_code = {r.code: r for r in rows}
    trend = []
    # The period's own count when it is a quarter: read or computed just above.
    known = (
        {period.key: figures.values.get("requests_received")} if period.kind == "quarter" else {}
    )
    for quarter, value in requests_trend(
        period, filters, TREND_QUARTERS, known=known, snapshots=snapshots, freeze=freeze
    ):
        ind = BY_CODE["requests_received"]
        hidden = is_masked(value, ind, mask=mask)
        shown = mask_label() if hidden else format_number(value.get("value"), Unit.COUNT)
        trend.append(
            (quarter.key.replace("-Q", " T"), None if hidden else value.get("value"), shown)
        )
    modes = by_code["response_modes"]
    channels = by_code["requests_by_channel"]
    members = by_code["members_by_specialty"]
    return {
        "period": period,
        "filters": filters,
        "figures": figures,
        "rows": rows,
        "by_code": by_code,
        "groups": _grouped(rows),
        "targets": [r for r in rows if r.target is not None],
        "advanced_rows": [by_code[code] for code in ADVANCED_CONSULTATIONS],
        "pathway_rows": [by_code[code] for code in PATHWAYS_AND_MEETINGS],
        "event_rows": [by_code[code] for code in EVENTS_AND_TRAINING],
        "territory_rows": [by_code[code] for code in TERRITORY],
        "territory": territory_context(period, filters, figures.values),
        "masked": mask,
        "threshold": small_count_threshold(),
        "chart_modes": bar_chart(
            str(_("Répartition des modes de réponse")),
            [(label, v, d) for label, v, _h, d in modes.parts] if not modes.masked else [],
        ),
        "chart_channels": bar_chart(
            str(_("Demandes par canal de réception")),
            [(label, v, d) for label, v, _h, d in channels.parts] if not channels.masked else [],
        ),
        "chart_members": bar_chart(
            str(_("Membres actifs par spécialité")),
            [(label, v, d) for label, v, _h, d in members.parts],
        ),
        "chart_trend": line_chart(str(_("Demandes reçues par trimestre")), trend),
        "trend": trend,
    }


def _grouped(rows: list[Row]) -> list[tuple[str, list[Row]]]:
    groups: dict[str, list[Row]] = {}
    for row in rows:
        if row.indicator.unit == Unit.DISTRIBUTION:
            continue
        groups.setdefault(str(row.indicator.group), []).append(row)
    return list(groups.items())


# The few figures an ARS/CPAM reader's home page opens on, before the full dashboard.
HOME_INDICATORS = (
    "requests_received",
    "triage_median_hours",
    "response_median_hours",
    "p1_within_due_pct",
    "p2_within_due_pct",
    "closed_loop_pct",
    "active_members",
    "representativeness_pct",
    "sessions_held",
)


def home_indicators(user, period: Period | None = None) -> dict:
    """The last closed quarter's headline figures, masked as the dashboard masks them for
    `user`. Aggregates only; the same queries as the dashboard's figures."""
    period = period or previous_quarter()
    rows = present(indicators_for(period).values, mask=viewer_masks(user))
    by_code = {r.code: r for r in rows}
    return {
        "period": period,
        "rows": [by_code[code] for code in HOME_INDICATORS],
        "representativeness_target": applicable_target(period.last),
    }
