"""Representativeness and territory figures, computed by the database.

- Representativeness: members in liberal practice (a mixed practice does not count) in the ESS
  on the period's last day, against the territory's specialists of the same specialties (the
  headcounts entered by a manager, `members.SpecialtyHeadcount`); only specialties with a
  headcount count, on both sides. Per specialty and overall.
- Target lines: `ESS_REPRESENTATIVENESS_TARGETS`, (years after the labelling date, percent)
  pairs; without a labelling date the first target applies.
- History: the same share at the end of each quarter, from membership start and end dates
  (one aggregate for all quarters), against today's headcounts; the projection extends its
  linear trend (least squares) to the first target not yet met.
- Specialist density: distinct members in the ESS with a practice site in a département of the
  territory, per 100,000 inhabitants of that département (the communes' populations).
- Communes reached: distinct communes of residence of the patients of the requests sent during
  the period, and their share of the territory's communes.

The registry's figures (`registry.TERRITORY`) come from `territory_figures` (two statements);
the pages' tables and chart from `territory_context` (a constant number of queries).
"""

import math
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from ess.models import Commune, Team
from members.models import Membership, PracticeMode, PracticeSite, SpecialtyHeadcount
from projet_sante.indicators.charts import target_line_chart
from projet_sante.indicators.expressions import one_row, rate, side_by_side
from projet_sante.indicators.periods import (
    Filters,
    Period,
    quarter_period,
    referral_filter,
)
from referrals.models import Referral

HISTORY_QUARTERS = 8


def _in_ess_at(end: datetime, prefix: str = "") -> Q:
    """Members in the ESS at `end`: joined before, still active or left after (the rule of
    `compute._network_figures`)."""
    return Q(**{f"{prefix}joined_at__lt": end}) & (
        Q(**{f"{prefix}status": "active", f"{prefix}ended_at__isnull": True})
        | Q(**{f"{prefix}ended_at__gte": end})
    )


def _liberal(filters: Filters) -> Q:
    counted = Q(practice_mode=PracticeMode.LIBERAL, specialty__headcount__isnull=False)
    if filters.specialty:
        counted &= Q(specialty__code=filters.specialty)
    return counted


def _headcounts(filters: Filters):
    headcounts = SpecialtyHeadcount.objects.all()
    if filters.specialty:
        headcounts = headcounts.filter(specialty__code=filters.specialty)
    return headcounts


def _territory_communes():
    return Commune.objects.filter(departement__team__isnull=False)


def territory_figures(period: Period, filters: Filters, now: datetime) -> dict:
    """{code: {"value", "n"}} for `registry.TERRITORY`, in one statement."""
    reached = (
        Referral.objects.filter(
            referral_filter(filters),
            submitted_at__gte=period.start,
            submitted_at__lt=period.end,
            patient__commune__isnull=False,
        )
        .filter(patient__commune__departement__team__isnull=False)
        .values("patient__commune")
    )
    row = side_by_side(
        [
            one_row(
                Membership.objects.filter(_in_ess_at(period.end), _liberal(filters)),
                liberal=Count("pk"),
            ),
            one_row(_headcounts(filters), territory=Sum("territory_count")),
            one_row(_territory_communes(), communes=Count("pk")),
            one_row(
                Commune.objects.filter(pk__in=reached),
                reached=Count("pk"),
            ),
        ]
    )
    territory = row["territory"] or 0
    share = rate(row["liberal"], territory)
    return {
        "liberal_members": {"value": row["liberal"], "n": row["liberal"]},
        "representativeness_pct": share,
        "communes_reached": {"value": row["reached"], "n": row["reached"]},
        "communes_reached_pct": rate(row["reached"], row["communes"]),
    }


# ---------------------------------------------------------------------------------------------
# Targets and projection
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Target:
    percent: float
    years: int  # after the labelling date
    starts_on: date | None  # None: no labelling date, or a target from the labelling on


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def representativeness_targets(labelled_on: date | None) -> list[Target]:
    """The target lines of the settings, dated from the labelling date."""
    return [
        Target(percent, years, _add_years(labelled_on, years) if labelled_on else None)
        for years, percent in settings.ESS_REPRESENTATIVENESS_TARGETS
    ]


def target_on(targets: list[Target], day: date) -> Target | None:
    """The target that applies on `day`: the last one started (from the labelling on, when
    there is no labelling date)."""
    current = None
    for target in targets:
        if target.years == 0 or (target.starts_on and target.starts_on <= day):
            current = target
    return current or (targets[0] if targets else None)


def applicable_target(day: date) -> str | None:
    """The representativeness target applying on `day`, as "10" (French decimals): one query."""
    team = Team.current()
    target = target_on(representativeness_targets(team.labelled_on if team else None), day)
    return _percent(target.percent) if target else None


def _quarter_label(period: Period) -> str:
    return period.key.replace("-Q", " T")


def projection(history: list[tuple[Period, float | None]], targets: list[Target]) -> dict:
    """When the share will reach the first target not yet met, at the pace of the history (a
    least-squares line over the quarters). {"target", "met", "quarter", "text"}."""
    points = [(i, v) for i, (_p, v) in enumerate(history) if v is not None]
    if not points or not targets:
        return {"target": None, "met": False, "quarter": None, "text": _("Pas de données.")}
    latest = points[-1][1]
    pending = [t for t in targets if latest < t.percent]
    if not pending:
        return {
            "target": targets[-1],
            "met": True,
            "quarter": None,
            "text": _("Objectif atteint (%(target)s %%).")
            % {"target": _percent(targets[-1].percent)},
        }
    goal = pending[0]
    slope = 0.0
    if len(points) > 1:
        mean_x = sum(x for x, _v in points) / len(points)
        mean_y = sum(v for _x, v in points) / len(points)
        spread = sum((x - mean_x) ** 2 for x, _v in points)
        slope = sum((x - mean_x) * (v - mean_y) for x, v in points) / spread
    if slope <= 0:
        return {
            "target": goal,
            "met": False,
            "quarter": None,
            "text": _(
                "Objectif de %(target)s %% : pas de progression, objectif non atteignable au "
                "rythme actuel."
            )
            % {"target": _percent(goal.percent)},
        }
    # Quarters after the last one of the history, on the trend line from the latest value.
    ahead = max(1, math.ceil((goal.percent - latest) / slope))
    year, quarter = history[-1][0].year_quarter
    index = year * 4 + quarter - 1 + ahead
    reached = quarter_period(index // 4, index % 4 + 1)
    return {
        "target": goal,
        "met": False,
        "quarter": reached,
        "text": _("Objectif de %(target)s %% : au rythme actuel, objectif atteint vers %(q)s.")
        % {"target": _percent(goal.percent), "q": _quarter_label(reached)},
    }


def _percent(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".").replace(".", ",")


# ---------------------------------------------------------------------------------------------
# The pages' and PDFs' section
# ---------------------------------------------------------------------------------------------
def representativeness_history(
    period: Period,
    filters: Filters,
    quarters: int = HISTORY_QUARTERS,
    *,
    territory: int | None = None,
) -> list[tuple[Period, float | None]]:
    """[(quarter, share %)] at the end of each of the `quarters` quarters up to the period's
    last: one aggregate over memberships, and one over headcounts unless `territory` (their
    total) is given."""
    periods = period.previous_quarters(quarters)
    members = Membership.objects.filter(_liberal(filters)).aggregate(
        **{f"q{i}": Count("pk", filter=_in_ess_at(p.end)) for i, p in enumerate(periods)}
    )
    if territory is None:
        territory = _headcounts(filters).aggregate(n=Sum("territory_count"))["n"] or 0
    return [(p, rate(members[f"q{i}"], territory)["value"]) for i, p in enumerate(periods)]


def representativeness_by_specialty(period: Period, filters: Filters) -> list[dict]:
    """Per specialty with a headcount: liberal members, all members, territory, share. Two
    queries."""
    in_ess = Membership.objects.filter(_in_ess_at(period.end), specialty__isnull=False)
    counts = {
        row["specialty"]: row
        for row in in_ess.order_by()
        .values("specialty")
        .annotate(
            liberal=Count("pk", filter=Q(practice_mode=PracticeMode.LIBERAL)),
            members=Count("pk"),
        )
    }
    rows = []
    for headcount in _headcounts(filters).select_related("specialty").order_by("specialty__label"):
        found = counts.get(headcount.specialty_id, {})
        liberal = found.get("liberal", 0)
        rows.append(
            {
                "specialty": headcount.specialty.label,
                "liberal": liberal,
                "members": found.get("members", 0),
                "territory": headcount.territory_count,
                "share": rate(liberal, headcount.territory_count)["value"],
            }
        )
    return rows


def density_by_departement(period: Period, filters: Filters) -> list[dict]:
    """Per département of the territory: inhabitants, members with a practice site there, and
    members per 100,000 inhabitants. Two queries."""
    sites = PracticeSite.objects.filter(
        _in_ess_at(period.end, prefix="membership__"),
        commune__departement__team__isnull=False,
    )
    if filters.specialty:
        sites = sites.filter(membership__specialty__code=filters.specialty)
    members = dict(
        sites.order_by()
        .values_list("commune__departement")
        .annotate(n=Count("membership", distinct=True))
        .values_list("commune__departement", "n")
    )
    rows = []
    for row in (
        _territory_communes()
        .order_by("departement")
        .values("departement", "departement__name")
        .annotate(population=Sum("population"))
    ):
        population, n = row["population"] or 0, members.get(row["departement"], 0)
        rows.append(
            {
                "code": row["departement"],
                "name": row["departement__name"],
                "population": population,
                "population_display": f"{population:,}".replace(",", "\u202f"),
                "members": n,
                "density": round(100_000 * n / population, 1) if population else None,
            }
        )
    return rows


def territory_context(period: Period, filters: Filters, values: dict) -> dict:
    """The representativeness section: per specialty, the history with its target line and
    projection, the density per département. `values`: the period's figures."""
    team = Team.current()
    targets = representativeness_targets(team.labelled_on if team else None)
    by_specialty = representativeness_by_specialty(period, filters)
    history = representativeness_history(
        period, filters, territory=sum(row["territory"] for row in by_specialty)
    )
    current = target_on(targets, period.last)
    chart = target_line_chart(
        str(_("Représentativité par trimestre (membres libéraux)")),
        [(_quarter_label(p), v, "—" if v is None else f"{_percent(v)} %") for p, v in history],
        target=current.percent if current else None,
        target_label=(
            _("Objectif %(target)s %%") % {"target": _percent(current.percent)} if current else ""
        ),
    )
    return {
        "labelled_on": team.labelled_on if team else None,
        "targets": [
            {"percent": _percent(t.percent), "years": t.years, "starts_on": t.starts_on}
            for t in targets
        ],
        "target": _percent(current.percent) if current else None,
        "met": bool(
            current
            and (values.get("representativeness_pct") or {}).get("value") is not None
            and values["representativeness_pct"]["value"] >= current.percent
        ),
        "history": [(_quarter_label(p), v) for p, v in history],
        "projection": projection(history, targets),
        "chart": chart,
        "by_specialty": by_specialty,
        "density": density_by_departement(period, filters),
    }
