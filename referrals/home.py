"""What each person's home page shows of referrals: the work that waits for them.

Counts and references only (no patient's name, no clinical text): the home is not a read of
patient data, and each figure links to the page that is (and audits it). A fixed number of
queries whatever the number of referrals.
"""

from django.db.models import Count, Q
from django.utils import timezone

from ess.models import Notification, NotificationKind
from ess.roles import Role, has_role
from referrals.dashboard import QUEUE_VIEWS, queue_counts
from referrals.deadlines import overdue, with_effective_priority
from referrals.models import OPEN_STATUSES, WAITING, Priority, Referral, Status
from referrals.selectors import referrals_visible_to, requester_side_condition

# The notifications telling the requester side that an answer is there to read.
ANSWER_KINDS = (NotificationKind.REFERRAL_ANSWERED, NotificationKind.REFERRAL_COMPLETED)
SHOWN = 5  # rows listed under each figure; the figure itself counts them all


def requester_home(user) -> dict:
    """The requester's side only, whatever other roles the user holds: the referrals waiting for
    their information ("À compléter") and the answers they have not read yet ("Réponses non
    lues": an answer's notification still unread; opening the referral reads it). Four
    queries."""
    if not has_role(user, Role.REQUESTER):
        return {}
    mine = Referral.objects.filter(requester_side_condition(user))
    to_complete = mine.filter(status=Status.INFO_REQUESTED)
    unread = Notification.objects.filter(recipient=user, read_at=None, kind__in=ANSWER_KINDS)
    unread_count = unread.aggregate(n=Count("url", distinct=True))["n"]
    answers, seen = [], set()
    # One row per referral: an opinion and then the final answer make two notifications.
    for notification in unread.order_by("-created_at", "-pk")[: SHOWN * 2]:
        if notification.url not in seen and len(answers) < SHOWN:
            seen.add(notification.url)
            answers.append(notification)
    return {
        "to_complete": list(
            to_complete.select_related("specialty").order_by("submitted_at", "pk")[:SHOWN]
        ),
        "to_complete_count": to_complete.count(),
        "unread_answers": answers,
        "unread_answers_count": unread_count,
    }


def coordinator_home(user) -> dict:
    """The queue at a glance: the dashboard's working views with their counts, and the open
    referrals per effective priority (waiting ones, overdue ones). Two queries."""
    counts = queue_counts(user)
    now = timezone.now()
    per_priority = (
        referrals_visible_to(user)
        .filter(status__in=OPEN_STATUSES)
        .aggregate(
            **{
                f"{p}_waiting": Count("pk", filter=with_effective_priority(p) & WAITING)
                for p in Priority.values
            },
            **{
                f"{p}_overdue": Count("pk", filter=with_effective_priority(p) & overdue(now))
                for p in Priority.values
            },
        )
    )
    return {
        # Every working view but "toutes", which has no count.
        "views": [(key, label, counts[key]) for key, label in QUEUE_VIEWS.items() if key in counts],
        "overdue": counts["en_retard"],
        "priorities": [
            (value, label, per_priority[f"{value}_waiting"], per_priority[f"{value}_overdue"])
            for value, label in Priority.choices
        ],
    }


def specialist_home(user) -> dict:
    """The specialist's inbox in short: cases offered to them by name or to their specialty,
    and the cases they hold, most urgent first. Three queries."""
    offered = Q(offered_to=user)
    if user.specialty_id:
        offered |= Q(offered_to_pool=True, specialty_id=user.specialty_id)
    offered &= Q(status=Status.TRIAGED)
    held = Q(specialist=user, status__in=[Status.ACCEPTED, Status.SCHEDULED])
    visible = referrals_visible_to(user)
    counts = visible.aggregate(
        offered_count=Count("pk", filter=offered),
        offered_to_me_count=Count("pk", filter=offered & Q(offered_to=user)),
        held_count=Count("pk", filter=held),
    )
    rows = visible.select_related("specialty").order_by("due_at", "pk")
    return {
        "offered": list(rows.filter(offered)[:SHOWN]),
        "held": list(rows.filter(held)[:SHOWN]),
        **counts,
    }
