"""The ESS's indicators (DESIGN.md §6): defined once here, computed by the database.

Every indicator is an `Indicator` in `REGISTRY` (code, French label, unit, definition, which
direction is better). `indicators_compute(period, filters)` returns, for each code, a JSON-ready
`{"value": …, "n": …}` where `n` is the number of cases the value rests on (the base of a rate or
a median): small-count masking for ARS/CPAM users is decided on it (see `present`).

Cohort: every referral-based indicator looks at the referrals SUBMITTED during the period (from
the first instant of its first day to the last of its last day, Europe/Paris), and at what had
happened to them when the figures were computed. A past quarter is therefore read from its
snapshot (`IndicatorSnapshot`), taken by beat when the quarter ends, so that it never changes
after the fact; the current period is computed live.

The number of queries is constant whatever the data size: one aggregate over referrals (counts,
medians and 90th percentiles with PostgreSQL's `percentile_cont`; in a savepoint with JIT off,
see below), one GROUP BY for the response modes, one for members by specialty, one for partners,
one for conventions. On SQLite (development only) the percentiles come from one extra query per
duration, computed in Python.

Adding a source (advanced consultations): write a function `(period, filters) -> {code: {"value",
"n"}}` and append it to `SOURCES`, then append its `Indicator`s to `REGISTRY` (see
`ADVANCED_CONSULTATIONS`, the three codes the lead's consultation model will fill).
"""

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
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
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from members.models import OrganisationKind

PARIS = ZoneInfo("Europe/Paris")


# ---------------------------------------------------------------------------------------------
# Periods
# ---------------------------------------------------------------------------------------------
class PeriodError(ValueError):
    """A period that cannot be read; the message is in French, for the user."""


@dataclass(frozen=True)
class Period:
    """[first, last] days, inclusive. `key` is what the URL and the snapshot carry."""

    first: date
    last: date
    key: str
    kind: str  # "quarter", "year" or "custom"

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time.min, tzinfo=PARIS)

    @property
    def end(self) -> datetime:
        """Exclusive end: midnight after the last day."""
        return datetime.combine(self.last + timedelta(days=1), time.min, tzinfo=PARIS)

    @property
    def label(self) -> str:
        if self.kind == "quarter":
            year, quarter = self.key.split("-Q")
            ordinal = _("1er") if quarter == "1" else _("%(n)se") % {"n": quarter}
            return str(_("%(ordinal)s trimestre %(year)s") % {"ordinal": ordinal, "year": year})
        if self.kind == "year":
            return str(_("Année %(year)s") % {"year": self.key})
        return str(
            _("Du %(first)s au %(last)s")
            % {"first": self.first.strftime("%d/%m/%Y"), "last": self.last.strftime("%d/%m/%Y")}
        )

    def is_past(self, now: datetime | None = None) -> bool:
        return self.end <= (now or timezone.now())

    def previous_quarters(self, count: int) -> list["Period"]:
        """`count` quarters ending with the one containing this period's last day, oldest first."""
        year, quarter = self.last.year, (self.last.month - 1) // 3 + 1
        quarters = []
        for _i in range(count):
            quarters.append(quarter_period(year, quarter))
            year, quarter = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
        return quarters[::-1]


def quarter_period(year: int, quarter: int) -> Period:
    first = date(year, 3 * (quarter - 1) + 1, 1)
    last = (date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)) - timedelta(
        days=1
    )
    return Period(first=first, last=last, key=f"{year}-Q{quarter}", kind="quarter")


def current_quarter(now: datetime | None = None) -> Period:
    local = timezone.localtime(now or timezone.now(), PARIS)
    return quarter_period(local.year, (local.month - 1) // 3 + 1)


def previous_quarter(now: datetime | None = None) -> Period:
    current = current_quarter(now)
    return quarter_period(*_shift(current.first.year, int(current.key[-1]), -1))


def _shift(year: int, quarter: int, by: int) -> tuple[int, int]:
    index = year * 4 + quarter - 1 + by
    return index // 4, index % 4 + 1


_QUARTER = re.compile(r"^(\d{4})-?[QqTt]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")
_CUSTOM = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:\.\.|_|/)(\d{4}-\d{2}-\d{2})$")
MAX_CUSTOM_DAYS = 3 * 366


def parse_period(text: str) -> Period:
    """ "2026-Q3" (or "2026-T3"), "2026", or "2026-01-15..2026-02-20" (custom, inclusive).

    Raises PeriodError with a French message."""
    text = (text or "").strip()
    if match := _QUARTER.match(text):
        year = int(match[1])
        _check_year(year)
        return quarter_period(year, int(match[2]))
    if match := _YEAR.match(text):
        year = int(match[1])
        _check_year(year)
        return Period(first=date(year, 1, 1), last=date(year, 12, 31), key=str(year), kind="year")
    if match := _CUSTOM.match(text):
        return custom_period(match[1], match[2])
    raise PeriodError(
        _(
            "Période « %(text)s » non reconnue : indiquez un trimestre (2026-T3), une année "
            "(2026) ou deux dates (2026-01-15..2026-02-20)."
        )
        % {"text": text[:40]}
    )


def custom_period(first: str | date, last: str | date) -> Period:
    try:
        first = first if isinstance(first, date) else date.fromisoformat(first)
        last = last if isinstance(last, date) else date.fromisoformat(last)
    except ValueError as exc:
        raise PeriodError(_("Date invalide : utilisez le format AAAA-MM-JJ.")) from exc
    if last < first:
        raise PeriodError(_("La date de fin précède la date de début."))
    if (last - first).days > MAX_CUSTOM_DAYS:
        raise PeriodError(_("Une période personnalisée ne peut dépasser trois ans."))
    _check_year(first.year)
    _check_year(last.year)
    return Period(first=first, last=last, key=f"{first:%Y-%m-%d}..{last:%Y-%m-%d}", kind="custom")


def _check_year(year: int) -> None:
    if not 2000 <= year <= 2100:
        raise PeriodError(_("Année %(year)s hors des limites (2000-2100).") % {"year": year})


# ---------------------------------------------------------------------------------------------
# Filters
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Filters:
    specialty: str = ""  # ess.Specialty code
    requester_type: str = ""  # members.OrganisationKind of the requester's organisation
    departement: str = ""  # of the patient's commune of residence
    commune: str = ""  # INSEE code of the patient's commune of residence

    @property
    def key(self) -> str:
        """ "" when unfiltered (the snapshot every report reads), else a stable string."""
        parts = [f"{k}={v}" for k, v in self.__dict__.items() if v]
        return "&".join(parts)

    @property
    def is_empty(self) -> bool:
        return not self.key


def clean_filters(*, specialty="", requester_type="", departement="", commune="") -> Filters:
    """Filters from user input; unknown values raise PeriodError (a French message)."""
    from ess.models import Commune, Departement, Specialty

    specialty, requester_type = (specialty or "").strip(), (requester_type or "").strip()
    departement, commune = (departement or "").strip(), (commune or "").strip().split(" ", 1)[0]
    if specialty and not Specialty.objects.filter(code=specialty).exists():
        raise PeriodError(_("Spécialité inconnue : %(v)s.") % {"v": specialty[:50]})
    if requester_type and requester_type not in OrganisationKind.values:
        raise PeriodError(_("Type de demandeur inconnu : %(v)s.") % {"v": requester_type[:50]})
    if departement and not Departement.objects.filter(code=departement).exists():
        raise PeriodError(_("Département inconnu : %(v)s.") % {"v": departement[:10]})
    if commune and not Commune.objects.filter(code=commune).exists():
        raise PeriodError(_("Commune inconnue : %(v)s.") % {"v": commune[:10]})
    return Filters(
        specialty=specialty,
        requester_type=requester_type,
        departement=departement,
        commune=commune,
    )


def _referral_filter(filters: Filters) -> Q:
    q = Q()
    if filters.specialty:
        q &= Q(specialty__code=filters.specialty)
    if filters.requester_type:
        q &= Q(requester_organisation__kind=filters.requester_type)
    if filters.departement:
        q &= Q(patient__commune__departement_id=filters.departement)
    if filters.commune:
        q &= Q(patient__commune_id=filters.commune)
    return q


# ---------------------------------------------------------------------------------------------
# The registry
# ---------------------------------------------------------------------------------------------
class Unit:
    COUNT = "count"
    PERCENT = "percent"
    HOURS = "hours"
    DISTRIBUTION = "distribution"  # {key: count}


UNIT_LABELS = {Unit.COUNT: "", Unit.PERCENT: "%", Unit.HOURS: "h", Unit.DISTRIBUTION: ""}


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str | Promise
    unit: str
    description: str | Promise
    # "higher", "lower" or "" (no direction: a description of activity).
    better: str = ""
    group: str | Promise = ""
    # Derived from patients' referrals: small counts are masked for ARS/CPAM users.
    patient_data: bool = True


ACTIVITY = _("Activité")
DELAYS = _("Délais")
OUTCOMES = _("Issues des demandes")
NETWORK = _("Équipe et partenaires")
ADVANCED = _("Consultations avancées")

REGISTRY: tuple[Indicator, ...] = (
    Indicator(
        "requests_received",
        _("Demandes reçues"),
        Unit.COUNT,
        _(
            "Demandes transmises à l'ESS pendant la période (date d'envoi), quel que soit "
            "leur sort."
        ),
        group=ACTIVITY,
    ),
    Indicator(
        "triage_median_hours",
        _("Délai médian envoi → régulation"),
        Unit.HOURS,
        _(
            "Médiane, en heures, du temps entre l'envoi et la première régulation, sur les "
            "demandes de la période déjà régulées."
        ),
        better="lower",
        group=DELAYS,
    ),
    Indicator(
        "triage_p90_hours",
        _("Délai envoi → régulation (90e centile)"),
        Unit.HOURS,
        _("90 % des demandes régulées l'ont été en moins de ce nombre d'heures."),
        better="lower",
        group=DELAYS,
    ),
    Indicator(
        "response_median_hours",
        _("Délai médian envoi → réponse ou rendez-vous"),
        Unit.HOURS,
        _(
            "Médiane, en heures, du temps entre l'envoi et la première réponse au demandeur : "
            "avis rendu ou rendez-vous fixé (le premier des deux), sur les demandes de la "
            "période qui en ont reçu une."
        ),
        better="lower",
        group=DELAYS,
    ),
    Indicator(
        "response_p90_hours",
        _("Délai envoi → réponse ou rendez-vous (90e centile)"),
        Unit.HOURS,
        _("90 % des demandes ayant reçu une réponse l'ont reçue en moins de ce nombre d'heures."),
        better="lower",
        group=DELAYS,
    ),
    Indicator(
        "p1_within_due_pct",
        _("P1 traitées dans le délai"),
        Unit.PERCENT,
        _(
            "Part des demandes classées P1 (24 h) ayant reçu une réponse ou un rendez-vous avant "
            "leur échéance. Base : les P1 de la période, hors annulées et réorientées, dont "
            "l'issue est connue (réponse donnée ou échéance passée)."
        ),
        better="higher",
        group=DELAYS,
    ),
    Indicator(
        "p2_within_due_pct",
        _("P2 traitées dans le délai"),
        Unit.PERCENT,
        _("Même définition pour les demandes classées P2 (48 h)."),
        better="higher",
        group=DELAYS,
    ),
    Indicator(
        "response_modes",
        _("Modes de réponse"),
        Unit.DISTRIBUTION,
        _("Répartition des demandes régulées de la période par mode de réponse retenu."),
        group=ACTIVITY,
    ),
    Indicator(
        "acceptance_pct",
        _("Taux d'acceptation"),
        Unit.PERCENT,
        _(
            "Part des demandes régulées de la période prises en charge par un spécialiste "
            "(acceptées, avec rendez-vous ou terminées)."
        ),
        better="higher",
        group=OUTCOMES,
    ),
    Indicator(
        "decline_pct",
        _("Taux de refus"),
        Unit.PERCENT,
        _(
            "Part des demandes régulées de la période refusées au moins une fois par un "
            "spécialiste (la demande revient alors en régulation)."
        ),
        better="lower",
        group=OUTCOMES,
    ),
    Indicator(
        "reorientation_pct",
        _("Taux de réorientation"),
        Unit.PERCENT,
        _("Part des demandes reçues pendant la période réorientées hors de l'ESS."),
        group=OUTCOMES,
    ),
    Indicator(
        "closed_loop_pct",
        _("Boucle fermée"),
        Unit.PERCENT,
        _(
            "Part des demandes reçues (hors annulées et réorientées) terminées avec une réponse "
            "écrite ou un compte rendu retourné au demandeur."
        ),
        better="higher",
        group=OUTCOMES,
    ),
    Indicator(
        "active_members",
        _("Membres actifs"),
        Unit.COUNT,
        _("Adhésions en cours au dernier jour de la période (entrées avant, pas encore sorties)."),
        better="higher",
        group=NETWORK,
        patient_data=False,
    ),
    Indicator(
        "members_by_specialty",
        _("Membres actifs par spécialité"),
        Unit.DISTRIBUTION,
        _("Les mêmes membres, par spécialité (filtre de spécialité appliqué)."),
        group=NETWORK,
        patient_data=False,
    ),
    Indicator(
        "partners",
        _("Partenaires"),
        Unit.COUNT,
        _("Partenaires enregistrés au dernier jour de la période."),
        better="higher",
        group=NETWORK,
        patient_data=False,
    ),
    Indicator(
        "conventions_in_force",
        _("Conventions en vigueur"),
        Unit.COUNT,
        _(
            "Conventions signées en vigueur au dernier jour de la période (prise d'effet "
            "passée, échéance non atteinte ; résiliées exclues)."
        ),
        better="higher",
        group=NETWORK,
        patient_data=False,
    ),
    Indicator(
        "conventions_signed",
        _("Conventions signées pendant la période"),
        Unit.COUNT,
        _("Conventions dont la date de signature tombe dans la période."),
        group=NETWORK,
        patient_data=False,
    ),
)

# The three codes advanced consultations will fill (a source returning them is added by the
# consultations app; until then they are absent from the results and shown as "—").
ADVANCED_CONSULTATIONS = ("sessions_held", "patients_seen", "communes_served")

BY_CODE: dict[str, Indicator] = {i.code: i for i in REGISTRY}


def indicator(code: str) -> Indicator:
    return BY_CODE[code]


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
    from referrals.models import Attachment, EventKind, Referral, ReferralEvent

    submitted = Referral.objects.filter(
        _referral_filter(filters), submitted_at__gte=period.start, submitted_at__lt=period.end
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
    for priority in ("P1", "P2"):
        base = Q(priority=priority) & due_known
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
    return {
        "requests_received": {"value": row["received"], "n": row["received"]},
        "triage_median_hours": {"value": _hours(row["triage_median"]), "n": row["triaged"]},
        "triage_p90_hours": {"value": _hours(row["triage_p90"]), "n": row["triaged"]},
        "response_median_hours": {"value": _hours(row["response_median"]), "n": row["responded"]},
        "response_p90_hours": {"value": _hours(row["response_p90"]), "n": row["responded"]},
        "p1_within_due_pct": _rate(row["P1_within"], row["P1_base"]),
        "p2_within_due_pct": _rate(row["P2_within"], row["P2_base"]),
        "response_modes": {"value": modes, "n": sum(modes.values())},
        "acceptance_pct": _rate(row["taken"], row["triaged"]),
        "decline_pct": _rate(row["declined"], row["triaged"]),
        "reorientation_pct": _rate(row["reoriented"], row["received"]),
        "closed_loop_pct": _rate(row["closed_loop"], row["expected"]),
    }


def _network_figures(period: Period, filters: Filters) -> dict:
    from members.models import Membership
    from partners.models import Convention, ConventionStatus, Partner

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


Source = Callable[[Period, Filters, datetime], dict]


def _referrals_source(period: Period, filters: Filters, now: datetime) -> dict:
    return _referral_figures(period, filters, now)


def _network_source(period: Period, filters: Filters, now: datetime) -> dict:
    return _network_figures(period, filters)


# Each source returns {code: {"value", "n"}} for some codes of REGISTRY.
SOURCES: list[Source] = [_referrals_source, _network_source]


def indicators_compute(period: Period, filters: Filters | None = None, *, now=None) -> dict:
    """Every indicator for the period, live from the database. JSON-ready."""
    filters = filters or Filters()
    now = now or timezone.now()
    values: dict = {}
    for source in SOURCES:
        values.update(source(period, filters, now))
    return values


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
    from projet_sante.models import IndicatorSnapshot

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
    from django.db.models.functions import TruncQuarter

    from projet_sante.models import IndicatorSnapshot
    from referrals.models import Referral

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
                _referral_filter(filters),
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
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    return f"{value:,}".replace(",", "\u202f")


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


def _distribution_parts(ind: Indicator, value: dict, *, mask: bool) -> list:
    from referrals.models import ResponseMode

    labels = dict(ResponseMode.choices) if ind.code == "response_modes" else {}
    parts = []
    for key, count in (value or {}).items():
        hidden = mask and ind.patient_data and 0 < count < small_count_threshold()
        parts.append(
            (
                str(labels.get(key, key)),
                None if hidden else count,
                hidden,
                mask_label() if hidden else format_number(count, Unit.COUNT),
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
    from ess.roles import Role, has_role

    return has_role(user, Role.AUTHORITY) and not has_role(user, Role.MANAGER)


def indicators_context(period: Period, filters: Filters | None = None, *, mask: bool) -> dict:
    """Everything the dashboard and the PDF show for a period: rows with targets, charts (the
    same SVG in both), the quarterly trend. Constant number of queries."""
    from projet_sante.charts import bar_chart, line_chart
    from projet_sante.models import IndicatorTarget

    filters = filters or Filters()
    figures = indicators_for(period, filters)
    targets = {t.code: t for t in IndicatorTarget.objects.all()}
    rows = present(figures.values, mask=mask, targets=targets)
    by_code = {r.code: r for r in rows}
    trend = []
    for quarter, value in requests_trend(period, filters):
        ind = BY_CODE["requests_received"]
        hidden = is_masked(value, ind, mask=mask)
        shown = mask_label() if hidden else format_number(value.get("value"), Unit.COUNT)
        trend.append(
            (quarter.key.replace("-Q", " T"), None if hidden else value.get("value"), shown)
        )
    modes = by_code["response_modes"]
    members = by_code["members_by_specialty"]
    return {
        "period": period,
        "filters": filters,
        "figures": figures,
        "rows": rows,
        "by_code": by_code,
        "groups": _grouped(rows),
        "targets": [r for r in rows if r.target is not None],
        "masked": mask,
        "threshold": small_count_threshold(),
        "chart_modes": bar_chart(
            str(_("Répartition des modes de réponse")),
            [(label, v, d) for label, v, _h, d in modes.parts] if not modes.masked else [],
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
