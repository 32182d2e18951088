"""Reads on the ESS's opening hours and closures, and its opening calendar (cached)."""

from datetime import date

from django.core.cache import cache
from django.db.models import QuerySet

from ess.models import Departement
from scheduling import hours
from scheduling.models import Closure, Day, OpeningRange

OPENING_CALENDAR_CACHE_KEY = "scheduling:opening-calendar"


def opening_calendar() -> hours.OpeningCalendar:
    """The ESS's opening calendar (weekly hours, closures, holidays of its départements). Its
    rows are read once (3 small queries) and kept in the cache: read again after an edit (the
    services forget them) or five minutes later."""
    rows = cache.get(OPENING_CALENDAR_CACHE_KEY)
    if rows is None:
        rows = (
            list(OpeningRange.objects.values_list("weekday", "opens_at", "closes_at")),
            list(Closure.objects.values_list("starts_on", "ends_on", "reason")),
            list(Departement.objects.filter(team__pk=1).values_list("code", flat=True)),
        )
        cache.set(OPENING_CALENDAR_CACHE_KEY, rows, timeout=300)
    return hours.calendar_from(*rows)


def opening_ranges() -> QuerySet[OpeningRange]:
    return OpeningRange.objects.order_by("weekday", "opens_at")


def closures_to_come(today: date) -> QuerySet[Closure]:
    return Closure.objects.filter(ends_on__gte=today).order_by("starts_on")


def opening_summary(now) -> dict:
    """What the public page says of when the coordination answers, from the cached calendar
    (no query once cached): the week as lines of consecutive days with the same ranges
    ({"days": "lundi – vendredi", "ranges": [(opens, closes)]}), whether it is open now, the
    next opening, the closures to come and the next public holiday."""
    calendar = opening_calendar()
    today = now.astimezone(hours.PARIS).date()
    lines: list[dict] = []
    for value, label in Day.choices:
        ranges = calendar.week[value]
        if lines and lines[-1]["ranges"] == ranges and lines[-1]["last"] == value - 1:
            lines[-1].update(last=value, to=label)
        else:
            lines.append({"ranges": ranges, "last": value, "from": label, "to": None})
    return {
        "has_hours": calendar.has_hours,
        "week": [line for line in lines if line["ranges"]],
        "open_now": calendar.is_open(now),
        "next_opening": calendar.next_opening(now),
        "closures": calendar.upcoming_closures(today),
        "next_holiday": calendar.next_holiday(today),
    }
