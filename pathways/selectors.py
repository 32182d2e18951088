"""Reads of pathways. `pathways_visible_to` is the only definition of who sees which pathway:
its care circle and the ESS's coordinators (permissions.can_view_pathway is the same rule for one
object). Every other read starts from it."""

from datetime import timedelta

from django.db.models import Exists, OuterRef, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from ess.roles import Role, has_role
from pathways.models import CircleMember, Pathway, PathwayAlert, PathwayTask, TaskStatus


def pathways_visible_to(user) -> QuerySet[Pathway]:
    if not (user and user.is_authenticated):
        return Pathway.objects.none()
    if has_role(user, Role.COORDINATOR):
        return Pathway.objects.all()
    in_circle = CircleMember.objects.filter(pathway=OuterRef("pk"), user_id=user.pk)
    return Pathway.objects.filter(Exists(in_circle))


def pathway_get_for_user(user, public_id) -> Pathway:
    """404 for "does not exist" and "not yours" alike."""
    return get_object_or_404(
        pathways_visible_to(user).select_related(
            "patient", "protocol", "protocol__convention", "origin", "opened_by"
        ),
        public_id=public_id,
    )


def tasks_visible_to(user) -> QuerySet[PathwayTask]:
    return PathwayTask.objects.filter(pathway__in=pathways_visible_to(user))


def task_get_for_user(user, public_id) -> PathwayTask:
    return get_object_or_404(
        tasks_visible_to(user).select_related("pathway", "pathway__patient", "assignee"),
        public_id=public_id,
    )


def alert_get_for_user(user, public_id) -> PathwayAlert:
    return get_object_or_404(
        PathwayAlert.objects.filter(pathway__in=pathways_visible_to(user)).select_related(
            "pathway", "pathway__patient", "task", "doctor"
        ),
        public_id=public_id,
    )


def worklist(user, today=None) -> dict[str, list[PathwayTask]]:
    """A delegated professional's open tasks: late, due today, due later this week (the next
    seven days). Tasks of paused or closed pathways wait."""
    today = today or timezone.localdate()
    tasks = list(
        PathwayTask.objects.filter(
            assignee_id=user.pk,
            status=TaskStatus.TODO,
            due_on__lt=today + timedelta(days=7),
            pathway__status="active",
        )
        .select_related("pathway", "pathway__patient")
        .order_by("due_on", "pk")
    )
    return {
        "late": [t for t in tasks if t.due_on < today],
        "today": [t for t in tasks if t.due_on == today],
        "week": [t for t in tasks if t.due_on > today],
    }
