"""Late delegated tasks: a task of an active pathway still to do after its due day reminds its
owner once; if it is still not done ESS_PATHWAY_TASK_ESCALATION_DAYS days after that reminder,
the coordinators are told once: the ESS's, and the coordinator of the pathway's care circle
(a DAC, a CPTS). Run by beat (`pathways.tasks.remind_late_pathway_tasks`).

Each step is claimed by a conditional UPDATE on the task's own row (`reminded_at`, then
`escalated_at`, still empty), in the transaction that records the notifications: two runs at
once, or a run repeated, tell nobody twice. The notifications' emails go through the outbox
after commit, and carry no patient identity (the task and the pathway's title only)."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from ess.models import NotificationKind
from ess.notifications import notify
from pathways.models import CircleMember, CircleRole, PathwayStatus, PathwayTask, TaskStatus
from referrals.notifications import coordinators

# Tasks a run handles at most per step; the next run takes the rest.
BATCH = 500


def _late(today) -> QuerySet[PathwayTask]:
    return PathwayTask.objects.filter(
        status=TaskStatus.TODO, due_on__lt=today, pathway__status=PathwayStatus.ACTIVE
    )


def _due(task: PathwayTask) -> str:
    return formats.date_format(task.due_on, "SHORT_DATE_FORMAT")


def _claim(task: PathwayTask, field: str, now: datetime) -> bool:
    """The step is this run's only if nobody took it first (the row's own columns only, so
    PostgreSQL re-checks them after waiting on a concurrent run's lock)."""
    return bool(
        PathwayTask.objects.filter(pk=task.pk, status=TaskStatus.TODO, **{field: None}).update(
            **{field: now}
        )
    )


def _remind_owner(task: PathwayTask, now: datetime) -> bool:
    with transaction.atomic():
        if not _claim(task, "reminded_at", now):
            return False
        notify(
            recipients=[task.assignee],
            kind=NotificationKind.PATHWAY_TASK,
            title=lambda: _("Tâche en retard : %(task)s") % {"task": task.label},
            detail=lambda: (
                _("Échéance le %(due)s · parcours « %(pathway)s »")
                % {"due": _due(task), "pathway": task.pathway.title}
            ),
            url=reverse("pathways:worklist"),
            dedupe_key=f"pathway-task-late:{task.pk}",
        )
    return True


def _escalate(task: PathwayTask, now: datetime) -> bool:
    with transaction.atomic():
        if not _claim(task, "escalated_at", now):
            return False
        circle_coordinators = [
            m.user
            for m in CircleMember.objects.filter(
                pathway_id=task.pathway_id, role=CircleRole.COORDINATOR
            ).select_related("user")
        ]
        notify(
            recipients=[*coordinators(), *circle_coordinators],
            kind=NotificationKind.PATHWAY_TASK,
            title=lambda: _("Tâche déléguée toujours en retard : %(task)s") % {"task": task.label},
            detail=lambda: (
                _("Confiée à %(owner)s, échéance le %(due)s · parcours « %(pathway)s »")
                % {
                    "owner": task.assignee.get_full_name() or task.assignee.email,
                    "due": _due(task),
                    "pathway": task.pathway.title,
                }
            ),
            url=reverse("pathways:detail", args=[task.pathway.public_id]),
            dedupe_key=f"pathway-task-escalated:{task.pk}",
        )
    return True


def late_tasks_remind(*, now: datetime | None = None) -> int:
    """Remind the owners of late tasks, then tell the coordinators of those still late
    ESS_PATHWAY_TASK_ESCALATION_DAYS days after the reminder. Tasks of paused or closed
    pathways wait. Returns the number of reminders and escalations sent."""
    now = now or timezone.now()
    late = _late(timezone.localdate(now)).select_related("pathway", "assignee")
    sent = 0
    for task in late.filter(reminded_at=None).order_by("due_on", "pk")[:BATCH]:
        sent += _remind_owner(task, now)
    delay = timedelta(days=settings.ESS_PATHWAY_TASK_ESCALATION_DAYS)
    overdue = late.filter(escalated_at=None, reminded_at__lte=now - delay)
    for task in overdue.order_by("due_on", "pk")[:BATCH]:
        sent += _escalate(task, now)
    return sent
