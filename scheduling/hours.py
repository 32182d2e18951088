"""The ESS's opening calendar, as pure functions: weekly opening hours, closures and public
holidays, in Europe/Paris. No database here: `scheduling.selectors.opening_calendar()` builds an
`OpeningCalendar` from the tables (cached), and anything may compute with it.

- `is_open(t)`: the ESS answers at instant `t`.
- `next_opening(t)`: the first instant after `t` at which an opening range starts.
- `add(start, hours, opening_only)`: the instant `hours` after `start`, counting either every
  elapsed hour (calendar hours) or only the hours the ESS is open (opening hours: nights,
  weekends, public holidays and closures do not count).

Instants are aware datetimes (any zone); durations are real elapsed time, so a calendar day
across a change to or from summer time is 23 or 25 hours, and an opening range keeps its wall
clock (08:30–12:30 is four hours on both sides of the change).
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

PARIS = ZoneInfo("Europe/Paris")
# Départements whose local law adds public holidays (Good Friday, 26 December), as the
# `holidays` library names their subdivision; overseas départements have their own too.
HOLIDAY_SUBDIVISIONS = {
    "57": "57",
    "67": "6AE",
    "68": "6AE",
    "971": "971",
    "972": "972",
    "973": "973",
    "974": "974",
    "976": "976",
}
# A calendar with no opening range for this long ahead is treated as never open.
_HORIZON_DAYS = 3 * 366

Range = tuple[time, time]


@lru_cache(maxsize=16)
def public_holidays(subdivisions: frozenset[str] = frozenset()) -> holidays.HolidayBase:
    """French public holidays (names in French), with the local ones of `subdivisions`
    (`HOLIDAY_SUBDIVISIONS` values). Years are computed on demand and kept."""
    found = holidays.France(language="fr")
    for subdivision in sorted(subdivisions):
        found += holidays.France(subdiv=subdivision, language="fr")
    return found


def holiday_subdivisions(departements) -> frozenset[str]:
    """The `holidays` subdivisions of the ESS's départements (codes) that have local holidays."""
    return frozenset(HOLIDAY_SUBDIVISIONS[c] for c in departements if c in HOLIDAY_SUBDIVISIONS)


@dataclass(frozen=True)
class Closure:
    starts_on: date
    ends_on: date
    reason: str


@dataclass(frozen=True)
class OpeningCalendar:
    """`week[d]`: the opening ranges of weekday `d` (0 = Monday), sorted, each opening before
    it closes. `holiday_name(day)`: the public holiday's name, or None."""

    week: tuple[tuple[Range, ...], ...] = ((),) * 7
    closures: tuple[Closure, ...] = ()
    holiday_name: Callable[[date], str | None] = field(
        default=lambda day: public_holidays().get(day)
    )

    @property
    def has_hours(self) -> bool:
        return any(self.week)

    def closure_on(self, day: date) -> Closure | None:
        return next((c for c in self.closures if c.starts_on <= day <= c.ends_on), None)

    def is_closed_day(self, day: date) -> bool:
        """A public holiday or within a closure (whatever the weekday's hours)."""
        return self.holiday_name(day) is not None or self.closure_on(day) is not None

    def ranges_on(self, day: date) -> list[tuple[datetime, datetime]]:
        """The day's opening ranges as aware instants (none on a closed day)."""
        if self.is_closed_day(day):
            return []
        return [
            (datetime.combine(day, a, tzinfo=PARIS), datetime.combine(day, b, tzinfo=PARIS))
            for a, b in self.week[day.weekday()]
        ]

    def _ranges_from(self, t: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Opening ranges ending after `t`, in order, up to the horizon (in UTC)."""
        day = t.astimezone(PARIS).date()
        for offset in range(_HORIZON_DAYS if self.has_hours else 0):
            for a, b in self.ranges_on(day + timedelta(days=offset)):
                a, b = a.astimezone(UTC), b.astimezone(UTC)
                if b > t:
                    yield a, b

    def is_open(self, t: datetime) -> bool:
        return any(a <= t < b for a, b in self.ranges_on(t.astimezone(PARIS).date()))

    def next_opening(self, t: datetime) -> datetime | None:
        """The start of the first opening range after `t` (None: no opening range ahead)."""
        return next((a.astimezone(PARIS) for a, _b in self._ranges_from(t) if a > t), None)

    def add(self, start: datetime, hours: float, *, opening_only: bool) -> datetime:
        """`hours` after `start`: elapsed hours, or opening hours only. A delay that ends as the
        ESS closes ends then (not at the next opening). With no opening hours recorded, opening
        hours are calendar hours (the ESS has said nothing of when it works)."""
        remaining = timedelta(hours=hours)
        start = start.astimezone(UTC)
        if not opening_only or remaining <= timedelta(0) or not self.has_hours:
            return start + remaining
        for a, b in self._ranges_from(start):
            begin = max(a, start)
            if remaining <= b - begin:
                return begin + remaining
            remaining -= b - begin
        return start + timedelta(hours=hours)  # never open again: as calendar hours

    def upcoming_closures(self, today: date) -> list[Closure]:
        return [c for c in self.closures if c.ends_on >= today]

    def next_holiday(self, today: date) -> tuple[date, str] | None:
        """The next public holiday from `today` on (within a year)."""
        for offset in range(367):
            day = today + timedelta(days=offset)
            name = self.holiday_name(day)
            if name is not None:
                return day, name
        return None


def calendar_from(ranges, closures, departements) -> OpeningCalendar:
    """The calendar of rows as the tables give them: `ranges` (weekday, opens_at, closes_at),
    `closures` (starts_on, ends_on, reason), the ESS's `departements` (codes: their local
    public holidays count)."""
    week: list[list[Range]] = [[] for _day in range(7)]
    for weekday, opens_at, closes_at in sorted(ranges):
        week[weekday].append((opens_at, closes_at))
    named = public_holidays(holiday_subdivisions(departements))
    return OpeningCalendar(
        week=tuple(tuple(ranges) for ranges in week),
        closures=tuple(Closure(*closure) for closure in closures),
        holiday_name=named.get,
    )
