"""A referral's priority and due time, defined once for the intake, triage, the dashboard, the
lists, the pages, the escalation task and the indicators.

- The **effective priority** is the one set at triage, else the urgency the requester asked for.
- A referral's **due time** is its submission plus its priority's delay
  (`ESS_PRIORITY_DELAYS_HOURS`), counted by the priority's rule (`ESS_PRIORITY_DELAY_RULES`):
  every elapsed hour ("calendar"), or only the ESS's opening hours ("opening": nights,
  weekends, public holidays and closures do not count; scheduling/hours.py). The clock starts
  at submission: a new request gets a provisional due time from the urgency asked for, and
  triage recomputes it from submission with the priority it sets.
- It is **nearing its deadline** once 75 % of that delay is used, counted by the same rule
  (`escalate_at`), while it still waits for its answer, and **overdue** past its due time.
  The indicators compare answer times with the stored `due_at`, so they follow the same rule.
"""

from datetime import datetime

from django.conf import settings
from django.db.models import Q

from referrals.models import WAITING
from scheduling.hours import OpeningCalendar
from scheduling.selectors import opening_calendar

NEARING_SHARE = 0.75  # the share of the delay after which a waiting referral is "nearing"


def with_effective_priority(priority: str) -> Q:
    """Referrals whose effective priority (`Referral.effective_priority`) is `priority`."""
    return Q(priority=priority) | Q(priority="", urgency_requested=priority)


CALENDAR_HOURS = OpeningCalendar()  # no opening hours: every hour counts


def counts_opening_hours(priority: str) -> bool:
    return settings.ESS_PRIORITY_DELAY_RULES[priority] == "opening"


def due_times(
    submitted_at: datetime, priority: str, *, calendar: OpeningCalendar | None = None
) -> tuple[datetime, datetime]:
    """(due_at, escalate_at) of a referral submitted at `submitted_at` with `priority` (the
    one set at triage, else the urgency asked for). `calendar`: the ESS's opening calendar
    (read from the cache when the priority's rule needs it and none is given)."""
    hours = settings.ESS_PRIORITY_DELAYS_HOURS[priority]
    opening = counts_opening_hours(priority)
    if not opening:
        calendar = CALENDAR_HOURS
    elif calendar is None:
        calendar = opening_calendar()
    return (
        calendar.add(submitted_at, hours, opening_only=opening),
        calendar.add(submitted_at, hours * NEARING_SHARE, opening_only=opening),
    )


def nearing_deadline(now: datetime) -> Q:
    """Waiting referrals past 75 % of their delay, overdue ones included (the escalation's
    first threshold)."""
    return WAITING & Q(escalate_at__lte=now)


def overdue(now: datetime) -> Q:
    return WAITING & Q(due_at__lt=now)


def nearing_not_overdue(now: datetime) -> Q:
    """The dashboard's "Échéance proche": nearing its deadline, not past it yet."""
    return nearing_deadline(now) & Q(due_at__gte=now)
