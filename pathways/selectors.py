"""Reads of pathways. `pathways_visible_to` is the only definition of who sees which pathway:
its care circle and the ESS's coordinators (permissions.can_view_pathway is the same rule for one
object). Every other read starts from it."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from ess.roles import Role, has_role
from partners.models import ConventionStatus, Protocol
from pathways.models import (
    CircleMember,
    NoteKind,
    Pathway,
    PathwayAlert,
    PathwayStatus,
    PathwayTask,
    TaskStatus,
)


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


def worklist_tasks(user, today=None) -> QuerySet[PathwayTask]:
    """A delegated professional's open tasks, late ones first, up to the end of the week (the
    next seven days). Tasks of paused or closed pathways wait."""
    today = today or timezone.localdate()
    return (
        PathwayTask.objects.filter(
            assignee_id=user.pk,
            status=TaskStatus.TODO,
            due_on__lt=today + timedelta(days=7),
            pathway__status="active",
        )
        .select_related("pathway", "pathway__patient")
        .order_by("due_on", "pk")
    )


def worklist(user, today=None) -> dict[str, list[PathwayTask]]:
    """`worklist_tasks` in three lists: late, due today, due later this week."""
    today = today or timezone.localdate()
    tasks = list(worklist_tasks(user, today))
    return {
        "late": [t for t in tasks if t.due_on < today],
        "today": [t for t in tasks if t.due_on == today],
        "week": [t for t in tasks if t.due_on > today],
    }


def pathway_list(user, *, status: str = "") -> QuerySet[Pathway]:
    """The pathways `user` sees, newest first, with what a list row shows (one query)."""
    pathways = pathways_visible_to(user).select_related("patient", "protocol__convention")
    if status in PathwayStatus.values:
        pathways = pathways.filter(status=status)
    return pathways.annotate(
        open_tasks=Count("tasks", filter=Q(tasks__status=TaskStatus.TODO), distinct=True),
        open_alerts=Count("alerts", filter=Q(alerts__answered_at__isnull=True), distinct=True),
    ).order_by("-created_at")


def protocols_in_force(today=None) -> QuerySet[Protocol]:
    """Protocols whose convention is in force today (Convention.is_in_force, as a query)."""
    today = today or timezone.localdate()
    return Protocol.objects.filter(
        Q(convention__effective_on__isnull=True) | Q(convention__effective_on__lte=today),
        Q(convention__end_on__isnull=True) | Q(convention__end_on__gte=today),
        convention__status=ConventionStatus.ACTIVE,
    ).select_related("convention")


def protocols_applicable_by(user, today=None) -> QuerySet[Protocol]:
    """The protocols `user` may apply now: in force, and they are one of its people."""
    if not (user and user.is_authenticated):
        return Protocol.objects.none()
    return (
        protocols_in_force(today)
        .filter(Q(delegating_doctors=user) | Q(delegates=user))
        .distinct()
        .order_by("convention__title")
    )


def protocol_delegates(protocol: Protocol) -> QuerySet:
    """Who may do a protocol's delegated work: its delegates holding the paramedic role."""
    return protocol.delegates.filter(role_grants__role=Role.PARAMEDIC, is_active=True).distinct()


def pathways_of_referral(user, referral) -> list[Pathway]:
    """The pathways of a referral that `user` sees, with their tasks and alerts (three
    queries)."""
    return list(
        pathways_visible_to(user)
        .filter(referrals=referral)
        .select_related("protocol__convention")
        .prefetch_related(
            Prefetch("tasks", PathwayTask.objects.select_related("assignee")),
            Prefetch(
                "alerts", PathwayAlert.objects.select_related("doctor", "answered_by", "task")
            ),
        )
        .order_by("-created_at")
    )


def pathway_circle(pathway: Pathway) -> list[CircleMember]:
    return list(pathway.circle.select_related("user").order_by("added_at", "pk"))


def pathway_tasks(pathway: Pathway) -> list[PathwayTask]:
    return list(
        pathway.tasks.select_related("assignee", "done_by", "alert").order_by("due_on", "pk")
    )


def pathway_alerts(pathway: Pathway) -> list[PathwayAlert]:
    return list(pathway.alerts.select_related("task", "doctor", "answered_by"))


@dataclass(frozen=True)
class TimelineEntry:
    """One line of a pathway's timeline: `at` (a datetime), its `kind` (status, note,
    rcp_decision, task_due, task_done, task_cancelled, alert, alert_answer, referral,
    appointment), a `title`, a `text`, who (`actor`) and the object it is about."""

    at: datetime
    kind: str
    title: str
    text: str = ""
    actor: object = None
    obj: object = None


def _start_of(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(8)))


def pathway_timeline(user, pathway: Pathway) -> list[TimelineEntry]:
    """Everything of a pathway on one line of time, oldest first: its status events, notes and
    RCP decisions, tasks (due, done, cancelled), alerts and their answers, its referrals and
    their advanced-consultation appointments. `user` must see the pathway (the caller looked it
    up through `pathway_get_for_user`). Five queries, whatever the pathway holds."""
    entries: list[TimelineEntry] = []
    for event in pathway.events.select_related("actor").order_by("at", "pk"):
        if not event.from_status:
            title = _("Parcours ouvert")
        else:
            title = _("Parcours : %(status)s") % {"status": event.get_to_status_display()}
        entries.append(TimelineEntry(event.at, "status", title, event.note, event.actor, event))
    for note in pathway.notes.select_related("author").order_by("at", "pk"):
        is_rcp = note.kind == NoteKind.RCP_DECISION
        entries.append(
            TimelineEntry(
                note.at,
                "rcp_decision" if is_rcp else "note",
                _("Décision de télé-RCP") if is_rcp else _("Note"),
                note.text,
                note.author,
                note,
            )
        )
    for task in pathway.tasks.select_related("assignee", "done_by").order_by("due_on", "pk"):
        if task.status == TaskStatus.DONE:
            entries.append(
                TimelineEntry(
                    task.done_at,
                    "task_done",
                    _("Tâche faite : %(task)s") % {"task": task.label},
                    task.result,
                    task.done_by,
                    task,
                )
            )
        elif task.status == TaskStatus.TODO:
            entries.append(
                TimelineEntry(
                    _start_of(task.due_on),
                    "task_due",
                    _("Tâche prévue : %(task)s") % {"task": task.label},
                    task.instructions,
                    task.assignee,
                    task,
                )
            )
    for alert in pathway.alerts.select_related("task", "doctor", "answered_by"):
        entries.append(
            TimelineEntry(
                alert.raised_at,
                "alert",
                _("Alerte : %(task)s hors des valeurs attendues") % {"task": alert.task.label},
                alert.task.result,
                alert.doctor,
                alert,
            )
        )
        if alert.answered_at:
            entries.append(
                TimelineEntry(
                    alert.answered_at,
                    "alert_answer",
                    _("Réponse du médecin à l'alerte : %(task)s") % {"task": alert.task.label},
                    alert.answer,
                    alert.answered_by,
                    alert,
                )
            )
    for referral in pathway.referrals.select_related(
        "specialty", "consultation_appointment__session__site"
    ).order_by("submitted_at"):
        entries.append(
            TimelineEntry(
                referral.submitted_at,
                "referral",
                _("Demande d'avis %(reference)s (%(status)s)")
                % {"reference": referral.reference, "status": referral.get_status_display()},
                obj=referral,
            )
        )
        appointment = getattr(referral, "consultation_appointment", None)
        if appointment is not None:
            entries.append(
                TimelineEntry(
                    appointment.starts_at,
                    "appointment",
                    _("Rendez-vous de consultation avancée (%(site)s)")
                    % {"site": appointment.session.site},
                    obj=appointment,
                )
            )
    entries.sort(key=lambda e: e.at)
    return entries
