"""Periods (quarter, year, custom dates, Europe/Paris days) and the filters of the indicators."""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ess.models import Commune, Departement, Specialty
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

    @property
    def year_quarter(self) -> tuple[int, int]:
        """(year, quarter) of the quarter holding the first day."""
        return quarter_of(self.first)

    def is_past(self, now: datetime | None = None) -> bool:
        return self.end <= (now or timezone.now())

    def previous_quarters(self, count: int) -> list["Period"]:
        """`count` quarters ending with the one containing this period's last day, oldest first."""
        year, quarter = quarter_of(self.last)
        quarters = []
        for _i in range(count):
            quarters.append(quarter_period(year, quarter))
            year, quarter = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
        return quarters[::-1]


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter_period(year: int, quarter: int) -> Period:
    first = date(year, 3 * (quarter - 1) + 1, 1)
    last = (date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)) - timedelta(
        days=1
    )
    return Period(first=first, last=last, key=f"{year}-Q{quarter}", kind="quarter")


def current_quarter(now: datetime | None = None) -> Period:
    local = timezone.localtime(now or timezone.now(), PARIS)
    return quarter_period(*quarter_of(local))


def previous_quarter(now: datetime | None = None) -> Period:
    return quarter_period(*_shift(*current_quarter(now).year_quarter, -1))


def report_quarters(selected: Period | None = None) -> dict:
    """The quarterly report form's quarters, newest first (the one in progress, then four
    closed) and the one it proposes: the quarter being looked at if it is closed, else the last
    closed quarter (a report on a quarter in progress is rarely what is wanted)."""
    quarters = current_quarter().previous_quarters(5)[::-1]
    closed = [q.key for q in quarters[1:]]
    default = selected.key if selected is not None and selected.key in closed else closed[0]
    return {"report_quarters": quarters, "report_default": default}


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

    @classmethod
    def from_key(cls, key: str) -> "Filters":
        """The filters a `key` names (a snapshot's, a queued task's)."""
        return cls(**dict(part.split("=", 1) for part in key.split("&") if part))


def clean_filters(*, specialty="", requester_type="", departement="", commune="") -> Filters:
    """Filters from user input; unknown values raise PeriodError (a French message)."""
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


def filters_from(params, *, names: dict[str, str]) -> Filters:
    """`clean_filters` from a query string whose parameters are named by `names` (field → the
    parameter's name: French on the pages, English in the API)."""
    return clean_filters(**{field: params.get(name, "") for field, name in names.items()})


def referral_filter(filters: Filters, prefix: str = "") -> Q:
    """The filters on referrals; `prefix` reaches them from a related row ("referral__")."""
    fields = {
        "specialty": "specialty__code",
        "requester_type": "requester_organisation__kind",
        "departement": "patient__commune__departement_id",
        "commune": "patient__commune_id",
    }
    return _matching(filters, {name: prefix + path for name, path in fields.items()})


def pathway_filter(filters: Filters, prefix: str = "") -> Q:
    """The filters on care pathways (`prefix`: from a related row, "pathway__"): the specialty
    of its protocol or of the referral that opened it, that referral's requester type, the
    patient's place of residence."""
    q = _matching(
        filters,
        {
            "requester_type": f"{prefix}origin__requester_organisation__kind",
            "departement": f"{prefix}patient__commune__departement_id",
            "commune": f"{prefix}patient__commune_id",
        },
    )
    if filters.specialty:
        q &= Q(**{f"{prefix}protocol__specialty__code": filters.specialty}) | Q(
            **{f"{prefix}origin__specialty__code": filters.specialty}
        )
    return q


def _matching(filters: Filters, fields: dict[str, str]) -> Q:
    q = Q()
    for name, path in fields.items():
        if value := getattr(filters, name):
            q &= Q(**{path: value})
    return q
