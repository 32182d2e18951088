"""A referral's priority and due time, defined once for the dashboard, the lists, the pages and
the escalation task.

- The **effective priority** is the one set at triage, else the urgency the requester asked for.
- A referral's **due time** is its submission plus its priority's delay
  (`ESS_PRIORITY_DELAYS_HOURS`); it is **nearing its deadline** once 75 % of that delay is used
  (`escalate_at`) while it still waits for its answer, and **overdue** past its due time.
"""

from datetime import datetime

from django.db.models import Q

from referrals.models import WAITING, priority_delay

NEARING_SHARE = 0.75  # the share of the delay after which a waiting referral is "nearing"


def with_effective_priority(priority: str) -> Q:
    """Referrals whose effective priority (`Referral.effective_priority`) is `priority`."""
    return Q(priority=priority) | Q(priority="", urgency_requested=priority)


def due_times(submitted_at: datetime, priority: str) -> tuple[datetime, datetime]:
    """(due_at, escalate_at) of a referral triaged with `priority`."""
    delay = priority_delay(priority)
    return submitted_at + delay, submitted_at + delay * NEARING_SHARE


def nearing_deadline(now: datetime) -> Q:
    """Waiting referrals past 75 % of their delay, overdue ones included (the escalation's
    first threshold)."""
    return WAITING & Q(escalate_at__lte=now)


def overdue(now: datetime) -> Q:
    return WAITING & Q(due_at__lt=now)


def nearing_not_overdue(now: datetime) -> Q:
    """The dashboard's "Échéance proche": nearing its deadline, not past it yet."""
    return nearing_deadline(now) & Q(due_at__gte=now)
