"""The opening calendar at fixed dates (Europe/Paris): weekly hours, a weekend, public holidays
(14 July, Ascension, Alsace-Moselle's Good Friday), a closure and both changes of time, for the
two ways of counting a delay."""

from datetime import UTC, date, datetime, time

import pytest

from scheduling.hours import (
    PARIS,
    Closure,
    OpeningCalendar,
    holiday_subdivisions,
    public_holidays,
)

DAY = ((time(8, 30), time(12, 30)), (time(13, 30), time(18, 30)))  # 9 opening hours
WEEKDAYS = (DAY,) * 5 + ((), ())
SUMMER = Closure(date(2026, 8, 3), date(2026, 8, 14), "Fermeture estivale")
ESS = OpeningCalendar(week=WEEKDAYS, closures=(SUMMER,))


def paris(*args) -> datetime:
    return datetime(*args, tzinfo=PARIS)


def opening(start, hours, calendar=ESS):
    return calendar.add(start, hours, opening_only=True).astimezone(PARIS)


def elapsed(start, hours, calendar=ESS):
    return calendar.add(start, hours, opening_only=False).astimezone(PARIS)


@pytest.mark.parametrize(
    ("start", "hours", "due"),
    [
        # Within a morning.
        (paris(2026, 7, 6, 9, 0), 2, paris(2026, 7, 6, 11, 0)),
        # A delay that ends as the ESS closes ends then, not at the next opening.
        (paris(2026, 7, 6, 8, 30), 4, paris(2026, 7, 6, 12, 30)),
        # Sent during the lunch break: the clock starts at 13:30.
        (paris(2026, 7, 6, 12, 45), 1, paris(2026, 7, 6, 14, 30)),
        # Sent at night: the clock starts at the morning's opening.
        (paris(2026, 7, 6, 23, 0), 1, paris(2026, 7, 7, 9, 30)),
        # Friday 16:00 across a weekend: 2 h 30 on Friday, the rest on Monday.
        (paris(2026, 7, 3, 16, 0), 4, paris(2026, 7, 6, 10, 0)),
        # Friday 16:00 across the weekend and 14 July (a Tuesday): Friday 2 h 30, Monday 9 h,
        # Wednesday 30 min.
        (paris(2026, 7, 10, 16, 0), 12, paris(2026, 7, 15, 9, 0)),
        # Wednesday before Ascension (Thursday 14 May 2026): Friday counts, Thursday does not.
        (paris(2026, 5, 13, 16, 0), 12, paris(2026, 5, 18, 9, 0)),
        # Friday 16:00 before the summer closure (3–14 August): back on Monday 17 August.
        (paris(2026, 7, 31, 16, 0), 12, paris(2026, 8, 18, 9, 0)),
        # A week of opening (45 h) from a Friday 16:00 with no holiday.
        (paris(2026, 6, 5, 16, 0), 45, paris(2026, 6, 12, 16, 0)),
    ],
)
def test_opening_hours_skip_nights_weekends_holidays_and_closures(start, hours, due):
    assert opening(start, hours) == due


@pytest.mark.parametrize(
    ("start", "hours", "due"),
    [
        (paris(2026, 7, 10, 16, 0), 12, paris(2026, 7, 11, 4, 0)),
        # P3's seven days from a Friday 16:00, 14 July and the weekend included.
        (paris(2026, 7, 10, 16, 0), 7 * 24, paris(2026, 7, 17, 16, 0)),
        (paris(2026, 7, 31, 16, 0), 48, paris(2026, 8, 2, 16, 0)),
        (paris(2026, 5, 13, 16, 0), 24, paris(2026, 5, 14, 16, 0)),
    ],
)
def test_calendar_hours_count_every_hour(start, hours, due):
    assert elapsed(start, hours) == due


def test_calendar_hours_are_elapsed_hours_across_the_changes_of_time():
    # 29 March 2026: clocks go forward at 02:00 (the day has 23 hours).
    assert elapsed(paris(2026, 3, 28, 12, 0), 24) == paris(2026, 3, 29, 13, 0)
    # 25 October 2026: clocks go back at 03:00 (the day has 25 hours).
    assert elapsed(paris(2026, 10, 24, 12, 0), 24) == paris(2026, 10, 25, 11, 0)


def test_opening_ranges_keep_their_wall_clock_across_the_changes_of_time():
    due = opening(paris(2026, 3, 27, 18, 0), 1)  # Friday before the change
    assert due == paris(2026, 3, 30, 9, 0)
    assert due.astimezone(UTC) == datetime(2026, 3, 30, 7, 0, tzinfo=UTC)  # summer time
    due = opening(paris(2026, 10, 23, 18, 0), 1)
    assert due.astimezone(UTC) == datetime(2026, 10, 26, 8, 0, tzinfo=UTC)  # winter time


def test_a_start_given_in_utc_is_the_same_instant():
    start = paris(2026, 7, 10, 16, 0).astimezone(UTC)
    assert opening(start, 12) == paris(2026, 7, 15, 9, 0)


def test_a_zero_delay_is_due_at_once():
    start = paris(2026, 7, 11, 10, 0)  # a Saturday
    assert opening(start, 0) == start


def test_without_opening_hours_every_hour_counts():
    calendar = OpeningCalendar()
    assert not calendar.has_hours
    start = paris(2026, 7, 10, 16, 0)
    assert opening(start, 12, calendar) == paris(2026, 7, 11, 4, 0)
    assert calendar.next_opening(start) is None
    assert not calendar.is_open(start)


def test_a_calendar_never_open_again_counts_calendar_hours():
    closed = OpeningCalendar(
        week=WEEKDAYS, closures=(Closure(date(2026, 1, 1), date(2099, 12, 31), "Dissoute"),)
    )
    assert opening(paris(2026, 7, 10, 16, 0), 12, closed) == paris(2026, 7, 11, 4, 0)


@pytest.mark.parametrize(
    ("at", "is_open"),
    [
        (paris(2026, 7, 6, 10, 0), True),
        (paris(2026, 7, 6, 8, 30), True),  # opening minute
        (paris(2026, 7, 6, 12, 30), False),  # closing minute
        (paris(2026, 7, 6, 13, 0), False),  # lunch
        (paris(2026, 7, 11, 10, 0), False),  # Saturday
        (paris(2026, 7, 14, 10, 0), False),  # 14 July
        (paris(2026, 8, 5, 10, 0), False),  # summer closure
        (paris(2026, 8, 17, 10, 0), True),  # back
    ],
)
def test_is_open(at, is_open):
    assert ESS.is_open(at) is is_open


@pytest.mark.parametrize(
    ("after", "opens"),
    [
        (paris(2026, 7, 10, 19, 0), paris(2026, 7, 13, 8, 30)),  # Friday evening → Monday
        (paris(2026, 7, 6, 10, 0), paris(2026, 7, 6, 13, 30)),  # open: the next range
        (paris(2026, 7, 13, 19, 0), paris(2026, 7, 15, 8, 30)),  # over 14 July
        (paris(2026, 7, 31, 19, 0), paris(2026, 8, 17, 8, 30)),  # over the closure
    ],
)
def test_next_opening(after, opens):
    assert ESS.next_opening(after) == opens


def test_alsace_moselle_adds_its_holidays():
    assert holiday_subdivisions(["45"]) == frozenset()
    assert holiday_subdivisions(["57", "54"]) == {"57"}
    assert holiday_subdivisions(["67", "68"]) == {"6AE"}
    good_friday = date(2026, 4, 3)
    assert public_holidays().get(good_friday) is None
    assert public_holidays(frozenset({"57"})).get(good_friday) is not None
    assert public_holidays(frozenset({"6AE"})).get(date(2026, 12, 26)) is not None
    moselle = OpeningCalendar(week=WEEKDAYS, holiday_name=public_holidays(frozenset({"57"})).get)
    # Thursday 2 April 16:00 + 12 h, Easter Monday (6 April) a holiday everywhere: Friday
    # counts in the Loiret; in Moselle it is Good Friday, and the delay ends a day later.
    assert opening(paris(2026, 4, 2, 16, 0), 12) == paris(2026, 4, 7, 9, 0)
    assert opening(paris(2026, 4, 2, 16, 0), 12, moselle) == paris(2026, 4, 8, 9, 0)


def test_holidays_are_named_in_french():
    assert ESS.holiday_name(date(2026, 7, 14)) == "Fête nationale"
    assert ESS.next_holiday(date(2026, 7, 1)) == (date(2026, 7, 14), "Fête nationale")
    assert ESS.next_holiday(date(2026, 7, 14))[0] == date(2026, 7, 14)


def test_closures_to_come():
    assert ESS.upcoming_closures(date(2026, 8, 14)) == [SUMMER]
    assert ESS.upcoming_closures(date(2026, 8, 15)) == []
