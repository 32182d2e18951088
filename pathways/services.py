"""Every write of the pathways app: one function per action, keyword-only. Each one runs in one
transaction, re-reads its row locked, checks the actor (`PermissionDenied`), refuses bad input
with a French `ValidationError` or `ess.errors.Conflict` (nothing written), and records its
notifications in the same transaction (emails go through the outbox after commit)."""

from datetime import date, timedelta
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from ess import workflow
from ess.db import insert_unless_conflict
from ess.errors import Conflict
from ess.models import NotificationKind
from ess.notifications import notify
from ess.permissions import require
from ess.roles import Role, has_role
from ess.text import required_text
from ess.workflow import locked
from ess.workflow_steps import advance
from partners.models import Protocol
from pathways import permissions as perms
from pathways.models import (
    CircleMember,
    CircleRole,
    NoteKind,
    Pathway,
    PathwayAlert,
    PathwayEvent,
    PathwayNote,
    PathwayStatus,
    PathwayTask,
    TaskStatus,
)

# People who may be put in a care circle: the professionals the platform knows by a role.
CIRCLE_ROLES = frozenset({Role.REQUESTER, Role.SPECIALIST, Role.PARAMEDIC, Role.COORDINATOR})


def _url(pathway: Pathway) -> str:
    return reverse("pathways:detail", args=[pathway.public_id])


def _refused(obj, to: str) -> str:
    if isinstance(obj, PathwayTask):
        return _("Action impossible : la tâche « %(task)s » est « %(status)s ».") % {
            "task": obj.label,
            "status": obj.get_status_display(),
        }
    return _("Action impossible : le parcours « %(title)s » est « %(status)s ».") % {
        "title": obj.title,
        "status": obj.get_status_display(),
    }


_advance = partial(advance, refused=_refused)


def _circle_users(pathway: Pathway, roles=None) -> list:
    members = pathway.circle.select_related("user")
    if roles is not None:
        members = members.filter(role__in=roles)
    return [m.user for m in members]


def _member_add(pathway: Pathway, user, role: str, by) -> tuple[CircleMember | None, bool]:
    """Put `user` in the circle with `role` unless they are in it already: their place in it,
    and whether they were added now."""
    if user is None:
        return None, False
    return CircleMember.objects.get_or_create(
        pathway=pathway, user=user, defaults={"role": role, "added_by": by}
    )


def _opener_role(user) -> str:
    if has_role(user, Role.COORDINATOR):
        return CircleRole.COORDINATOR
    if has_role(user, Role.SPECIALIST):
        return CircleRole.SPECIALIST
    if has_role(user, Role.PARAMEDIC):
        return CircleRole.DELEGATE
    if has_role(user, Role.REQUESTER):
        return CircleRole.GP
    return CircleRole.OTHER


def delegating_doctor(pathway: Pathway):
    """Who answers for the delegated work: the pathway's specialist who is a delegating doctor
    of its protocol, else whoever opened it."""
    if pathway.protocol_id:
        doctor = (
            CircleMember.objects.filter(
                pathway=pathway,
                role=CircleRole.SPECIALIST,
                user__protocols_delegating=pathway.protocol_id,
            )
            .select_related("user")
            .order_by("added_at", "pk")
            .first()
        )
        if doctor is not None:
            return doctor.user
    return pathway.opened_by


def _check_protocol(*, by, protocol: Protocol, delegate, today: date) -> None:
    """A protocol applies only while its convention is in force, only by its own people, with
    one of its delegates (a paramedic) to do the work."""
    if not protocol.convention.is_in_force(today):
        raise ValidationError(
            {
                "protocol": _(
                    "Le protocole « %(title)s » ne peut pas être appliqué : sa convention n'est "
                    "pas en vigueur."
                )
                % {"title": protocol.convention.title}
            }
        )
    if not perms.can_apply_protocol(by, protocol):
        raise ValidationError(
            {
                "protocol": _(
                    "Seuls les médecins délégants et les professionnels délégués du protocole "
                    "peuvent l'appliquer."
                )
            }
        )
    if delegate is None:
        raise ValidationError(
            {"delegate": _("Choisissez le professionnel délégué qui suivra le patient.")}
        )
    if not (
        protocol.delegates.filter(pk=delegate.pk).exists() and has_role(delegate, Role.PARAMEDIC)
    ):
        raise ValidationError(
            {
                "delegate": _(
                    "%(name)s n'est pas un professionnel délégué (IPA, IDE) de ce protocole."
                )
                % {"name": delegate.display_name}
            }
        )


# How far day zero may be from today: a pathway recorded after it began, or planned ahead.
# Further is taken for a typing error in the year (every task would be overdue, or years away).
DAY_ZERO_BEFORE = timedelta(days=183)
DAY_ZERO_AFTER = timedelta(days=366)


def _check_day_zero(started_on: date, today: date) -> None:
    earliest, latest = today - DAY_ZERO_BEFORE, today + DAY_ZERO_AFTER
    if not earliest <= started_on <= latest:
        raise ValidationError(
            {
                "started_on": _(
                    "Le début du parcours (J0) doit se situer entre le %(earliest)s et le "
                    "%(latest)s : six mois en arrière au plus, un an à l'avance au plus."
                )
                % {"earliest": f"{earliest:%d/%m/%Y}", "latest": f"{latest:%d/%m/%Y}"}
            }
        )


@transaction.atomic
def pathway_open(
    *,
    by,
    referral=None,
    patient=None,
    title: str,
    protocol: Protocol | None = None,
    delegate=None,
    started_on: date | None = None,
    submission_key: str = "",
) -> Pathway:
    """Open a patient's pathway, from a referral (`can_open_pathway`: the coordinators, the
    referral's specialist) or by a coordinator for a patient.

    Day zero (`started_on`, today unless told) is at most six months back and a year ahead
    (ValidationError otherwise). With a protocol: its convention must be in force, `by` one of
    its people, `delegate` one of its delegates holding the paramedic role (else
    ValidationError, nothing written). The care
    circle gets the referral's requester (and the GP it was sent for) as GP, its specialist,
    the delegate and the opener; the protocol's task templates become tasks assigned to the
    delegate, due `started_on` + their day. The delegate is told of their tasks, the circle of
    the new pathway.

    The same form sent again (same `submission_key`, by the same person) returns the pathway it
    opened, and nothing more is written or sent."""
    if referral is not None:
        require(perms.can_open_pathway(by, referral))
        patient = referral.patient
    else:
        require(has_role(by, Role.COORDINATOR))
        if patient is None:
            raise ValidationError({"patient": _("Choisissez le patient du parcours.")})
    if submission_key:
        opened = _opened_with(submission_key, by)
        if opened is not None:
            return opened
    title = required_text(title, "title", _("Donnez un intitulé au parcours."))
    started_on = started_on or timezone.localdate()
    _check_day_zero(started_on, timezone.localdate())
    if protocol is not None:
        _check_protocol(by=by, protocol=protocol, delegate=delegate, today=timezone.localdate())
    elif delegate is not None:
        raise ValidationError(
            {"delegate": _("Un professionnel délégué n'est désigné que sous un protocole.")}
        )

    pathway = Pathway(
        patient=patient,
        title=title,
        protocol=protocol,
        origin=referral,
        started_on=started_on,
        opened_by=by,
        submission_key=submission_key or None,
    )
    if not insert_unless_conflict(pathway):
        # The same form, sent twice at once: the other request opened it.
        return _opened_with(submission_key, by)
    PathwayEvent.objects.create(
        pathway=pathway, actor=by, from_status="", to_status=PathwayStatus.ACTIVE
    )
    if referral is not None:
        pathway.referrals.add(referral)
        _member_add(pathway, referral.requester, CircleRole.GP, by)
        _member_add(pathway, referral.referring_gp, CircleRole.GP, by)
        _member_add(pathway, referral.specialist, CircleRole.SPECIALIST, by)
    _member_add(pathway, delegate, CircleRole.DELEGATE, by)
    _member_add(pathway, by, _opener_role(by), by)

    tasks = []
    if protocol is not None:
        tasks = PathwayTask.objects.bulk_create(
            PathwayTask(
                pathway=pathway,
                template=template,
                label=template.label,
                kind=template.kind,
                instructions=template.instructions,
                due_on=started_on + timedelta(days=template.day),
                assignee=delegate,
            )
            for template in protocol.task_templates.all()
        )
    url = _url(pathway)
    notify(
        recipients=_circle_users(pathway),
        kind=NotificationKind.PATHWAY,
        title=lambda: _("Nouveau parcours : %(title)s") % {"title": title},
        url=url,
        actor=by,
    )
    if tasks:
        notify(
            recipients=[delegate],
            kind=NotificationKind.PATHWAY_TASK,
            title=lambda: (
                ngettext(
                    "%(count)d tâche vous est confiée dans le parcours « %(title)s »",
                    "%(count)d tâches vous sont confiées dans le parcours « %(title)s »",
                    len(tasks),
                )
                % {"count": len(tasks), "title": title}
            ),
            url=reverse("pathways:worklist"),
            actor=by,
        )
    return pathway


def _opened_with(submission_key: str, by) -> Pathway | None:
    """The pathway the opening form with this key opened, or None. A key someone else sent
    is refused (it is drawn by the form: only a forged request reuses it)."""
    pathway = Pathway.objects.filter(submission_key=submission_key).first()
    if pathway is None:
        return None
    if pathway.opened_by_id != by.pk:
        raise Conflict(_("Ce formulaire a déjà servi : rechargez la page pour en ouvrir un autre."))
    return pathway


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
