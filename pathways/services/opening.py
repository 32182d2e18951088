"""Opening a pathway (`pathway_open`): from a referral or by the coordination, under a protocol
or not, with its checks (the protocol and its delegate, day zero) and the form's key that
makes a form sent again open nothing more."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ess.db import insert_unless_conflict
from ess.errors import Conflict
from ess.models import NotificationKind
from ess.notifications import notify
from ess.permissions import require
from ess.roles import Role, has_role
from ess.text import required_text
from partners.models import Protocol
from pathways import permissions as perms
from pathways.models import (
    CircleRole,
    Pathway,
    PathwayEvent,
    PathwayStatus,
    PathwayTask,
)
from pathways.services.common import (
    _circle_users,
    _member_add,
    _url,
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
