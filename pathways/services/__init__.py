"""Every write of the pathways app: one function per action, keyword-only. Each one runs in one
transaction, re-reads its row locked, checks the actor (`PermissionDenied`), refuses bad input
with a French `ValidationError` or `ess.errors.Conflict` (nothing written), and records its
notifications in the same transaction (emails go through the outbox after commit).

A package: the shared helpers are in `common`, opening a pathway in `opening`; every service
is imported from here."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ess import workflow
from ess.errors import Conflict
from ess.models import NotificationKind
from ess.notifications import notify
from ess.permissions import require
from ess.roles import Role, has_role
from ess.text import required_text
from ess.workflow import locked
from pathways import permissions as perms
from pathways.models import (
    CircleMember,
    CircleRole,
    NoteKind,
    Pathway,
    PathwayAlert,
    PathwayNote,
    PathwayStatus,
    PathwayTask,
    TaskStatus,
)
from pathways.services.common import (
    CIRCLE_ROLES,
    _advance,
    _circle_users,
    _member_add,
    _refused,
    _url,
    delegating_doctor,
)
from pathways.services.opening import DAY_ZERO_AFTER, DAY_ZERO_BEFORE, pathway_open

__all__ = [
    "CIRCLE_ROLES",
    "DAY_ZERO_AFTER",
    "DAY_ZERO_BEFORE",
    "alert_answer",
    "circle_add",
    "delegating_doctor",
    "pathway_close",
    "pathway_note_add",
    "pathway_open",
    "pathway_pause",
    "pathway_referral_link",
    "pathway_resume",
    "task_cancel",
    "task_record",
]


def _status_told(pathway: Pathway, by, title: Promise) -> None:
    """Tell the circle of care; `title` names the pathway as %(title)s."""
    notify(
        recipients=_circle_users(pathway),
        kind=NotificationKind.PATHWAY,
        title=lambda: title % {"title": pathway.title},
        url=_url(pathway),
        actor=by,
    )


@transaction.atomic
def pathway_pause(*, pathway_id: int, by, note: str = "") -> Pathway:
    """Put the pathway on hold (`can_manage_pathway`): its tasks leave the worklist until it
    resumes. Repeated: a no-op. Raises TransitionNotAllowed when closed. The circle is told."""
    pathway = locked(Pathway, pathway_id)
    require(perms.can_manage_pathway(by, pathway))
    if not _advance(pathway, PathwayStatus.PAUSED, by=by, note=(note or "").strip()):
        return pathway
    _status_told(pathway, by, gettext_lazy("Parcours mis en pause : %(title)s"))
    return pathway


@transaction.atomic
def pathway_resume(*, pathway_id: int, by) -> Pathway:
    """Take a paused pathway up again (`can_manage_pathway`). Repeated: a no-op."""
    pathway = locked(Pathway, pathway_id)
    require(perms.can_manage_pathway(by, pathway))
    if not _advance(pathway, PathwayStatus.ACTIVE, by=by):
        return pathway
    _status_told(pathway, by, gettext_lazy("Parcours repris : %(title)s"))
    return pathway


@transaction.atomic
def pathway_close(*, pathway_id: int, by, reason: str) -> Pathway:
    """Close the pathway with a reason (`can_manage_pathway`); its open tasks are cancelled.
    Repeated: a no-op. The circle is told."""
    pathway = locked(Pathway, pathway_id)
    require(perms.can_manage_pathway(by, pathway))
    reason = required_text(reason, "reason", _("Indiquez le motif de la clôture."))
    if not _advance(pathway, PathwayStatus.CLOSED, by=by, note=reason, close_reason=reason):
        return pathway
    pathway.tasks.filter(status=TaskStatus.TODO).update(status=TaskStatus.CANCELLED)
    _status_told(pathway, by, gettext_lazy("Parcours clos : %(title)s"))
    return pathway


@transaction.atomic
def circle_add(*, pathway_id: int, by, user, role: str) -> CircleMember:
    """Add a professional to the care circle (`can_manage_pathway`), while the pathway is not
    closed. Someone already in it keeps their place (a no-op). The person added is told."""
    pathway = locked(Pathway, pathway_id)
    require(perms.can_manage_pathway(by, pathway))
    if pathway.status == PathwayStatus.CLOSED:
        raise Conflict(_("Le parcours est clos : son cercle de soins ne change plus."))
    if role not in CircleRole.values:
        raise ValidationError({"role": _("Choisissez un rôle dans le cercle de soins.")})
    if user is None or not user.is_active or not (user.roles & CIRCLE_ROLES):
        raise ValidationError(
            {"user": _("Cette personne n'est pas un professionnel inscrit sur la plateforme.")}
        )
    if role == CircleRole.DELEGATE and not has_role(user, Role.PARAMEDIC):
        raise ValidationError(
            {"role": _("Seul un professionnel paramédical (IPA, IDE) peut être délégué.")}
        )
    member, created = _member_add(pathway, user, role, by)
    if created:
        notify(
            recipients=[user],
            kind=NotificationKind.PATHWAY,
            title=lambda: (
                _("Vous êtes dans le cercle de soins du parcours « %(title)s »")
                % {"title": pathway.title}
            ),
            url=_url(pathway),
            actor=by,
        )
    return member


@transaction.atomic
def pathway_referral_link(*, pathway_id: int, by, referral) -> Pathway:
    """Attach another referral of the same patient to the pathway (`can_manage_pathway`); its
    requester joins the circle as GP. Already attached: a no-op."""
    pathway = locked(Pathway, pathway_id)
    require(perms.can_manage_pathway(by, pathway))
    if pathway.status == PathwayStatus.CLOSED:
        raise Conflict(_("Le parcours est clos : il ne reçoit plus de demande."))
    if referral.patient_id != pathway.patient_id:
        raise ValidationError(
            {"referral": _("Cette demande concerne un autre patient que celui du parcours.")}
        )
    pathway.referrals.add(referral)
    _member_add(pathway, referral.requester, CircleRole.GP, by)
    return pathway


@transaction.atomic
def task_record(*, task_id: int, by, result: str, out_of_range: bool) -> PathwayTask:
    """Record a task's result (`can_record_task`: its assignee, while the pathway is active).

    The same result sent twice by its author: a no-op. A closed or paused pathway refuses
    (Conflict), so does a task already done or cancelled (TransitionNotAllowed). A result out of
    range raises an alert to the delegating doctor (an urgent notification)."""
    task = locked(PathwayTask, task_id)
    pathway = task.pathway
    if task.status == TaskStatus.DONE and task.done_by_id == getattr(by, "pk", None):
        return task  # a retried request
    if pathway.status != PathwayStatus.ACTIVE:
        raise Conflict(
            _("Le parcours est « %(status)s » : ses tâches ne peuvent pas être renseignées.")
            % {"status": pathway.get_status_display()}
        )
    require(perms.can_record_task(by, task))
    result = required_text(result, "result", _("Notez le résultat de la tâche."))
    workflow.transition(task, to=TaskStatus.DONE, by=by, history=False, refused=_refused)
    task.result = result
    task.out_of_range = bool(out_of_range)
    task.done_at = timezone.now()
    task.done_by = by
    task.save(update_fields=["status", "result", "out_of_range", "done_at", "done_by"])
    if task.out_of_range:
        doctor = delegating_doctor(pathway)
        alert = PathwayAlert.objects.create(task=task, pathway=pathway, doctor=doctor)
        notify(
            recipients=[doctor],
            kind=NotificationKind.PATHWAY_ALERT,
            title=lambda: (
                _("Résultat hors des valeurs attendues : %(task)s (parcours « %(title)s »)")
                % {"task": task.label, "title": pathway.title}
            ),
            url=reverse("pathways:alert", args=[alert.public_id]),
            actor=by,
            urgent=True,
        )
    return task


@transaction.atomic
def task_cancel(*, task_id: int, by, reason: str) -> PathwayTask:
    """Cancel a task still to do (`can_cancel_task`), with a reason written into the pathway's
    timeline. Repeated: a no-op. The assignee is told."""
    task = locked(PathwayTask, task_id)
    if task.status == TaskStatus.CANCELLED:
        return task
    require(perms.can_cancel_task(by, task))
    reason = required_text(reason, "reason", _("Indiquez pourquoi la tâche est annulée."))
    workflow.transition(task, to=TaskStatus.CANCELLED, by=by, history=False, refused=_refused)
    task.save(update_fields=["status"])
    PathwayNote.objects.create(
        pathway=task.pathway,
        author=by,
        kind=NoteKind.NOTE,
        text=_("Tâche « %(task)s » annulée : %(reason)s") % {"task": task.label, "reason": reason},
    )
    notify(
        recipients=[task.assignee],
        kind=NotificationKind.PATHWAY_TASK,
        title=lambda: _("Tâche annulée : %(task)s") % {"task": task.label},
        url=_url(task.pathway),
        actor=by,
    )
    return task


@transaction.atomic
def alert_answer(*, alert_id: int, by, answer: str) -> PathwayAlert:
    """The doctor's answer to an alert (`can_answer_alert`: the doctor alerted or a specialist
    of the circle). The same answer sent twice by its author: a no-op; another answer to an
    alert already answered (by them or someone else): Conflict, the first answer kept. The
    delegated professional and the GP are told."""
    alert = locked(PathwayAlert, alert_id)
    if alert.answered_at is not None:
        same_author = alert.answered_by_id == getattr(by, "pk", None)
        if same_author and alert.answer == (answer or "").strip():
            return alert  # a retried request
        raise Conflict(
            _(
                "Cette alerte a déjà reçu une réponse (%(name)s, le %(date)s) : elle ne se "
                "modifie plus. Pour compléter, écrivez une note dans le parcours."
            )
            % {
                "name": alert.answered_by.display_name if alert.answered_by else "—",
                "date": timezone.localtime(alert.answered_at).strftime("%d/%m/%Y %H:%M"),
            }
        )
    require(perms.can_answer_alert(by, alert))
    answer = required_text(answer, "answer", _("Écrivez votre réponse."))
    alert.answer = answer
    alert.answered_at = timezone.now()
    alert.answered_by = by
    alert.save(update_fields=["answer", "answered_at", "answered_by"])
    pathway = alert.pathway
    notify(
        recipients=[alert.task.assignee, *_circle_users(pathway, roles=[CircleRole.GP])],
        kind=NotificationKind.PATHWAY_ALERT,
        title=lambda: (
            _("Le médecin a répondu à l'alerte : %(task)s (parcours « %(title)s »)")
            % {"task": alert.task.label, "title": pathway.title}
        ),
        url=_url(pathway),
        actor=by,
    )
    return alert


@transaction.atomic
def pathway_note_add(*, pathway_id: int, by, text: str, kind: str = NoteKind.NOTE) -> PathwayNote:
    """Write a line into the pathway's timeline. A note needs `can_write_in_pathway`; a case
    meeting's decision (`NoteKind.RCP_DECISION`) is written by the meetings service, which
    checked its own actor (a participant of the meeting), so it is not checked again here."""
    pathway = locked(Pathway, pathway_id)
    if kind == NoteKind.NOTE:
        require(perms.can_write_in_pathway(by, pathway))
    text = required_text(text, "text", _("Écrivez le texte de la note."))
    return PathwayNote.objects.create(pathway=pathway, author=by, kind=kind, text=text)
