"""The health-project version's life: opened as a draft, submitted to the ARS and the CPAM,
signed by each (validated once both have) or sent back for revision; comments on the way.

Transition services follow docs/architecture.md: atomic → re-read the version FOR UPDATE →
check the actor (PermissionDenied, 403) → check the transition table (TransitionNotAllowed, 409)
→ write the event → save(update_fields=…) → notify the other side in the same transaction.
"""

import uuid
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ess import workflow
from ess.errors import TransitionNotAllowed
from ess.notifications import Text
from ess.permissions import require
from ess.roles import SIGNING_INSTITUTIONS, Role
from ess.text import elides, required_text
from projet_sante.project import permissions as perms
from projet_sante.project.models import (
    OPEN_STATUSES,
    SECTION_ORDER,
    Action,
    ProjectAnnex,
    ProjectComment,
    ProjectSection,
    ProjectVersion,
    SectionKey,
    VersionEvent,
    VersionSignature,
    VersionStatus,
)
from projet_sante.project.selectors import version_signatures
from projet_sante.project.services.common import locked, notify_version, users_with

ACTION_LABELS = {
    VersionStatus.SUBMITTED: gettext_lazy("la soumettre"),
    VersionStatus.VALIDATED: gettext_lazy("la valider"),
    VersionStatus.REVISION_REQUESTED: gettext_lazy("demander sa révision"),
}


_refused = workflow.Refusal(
    gettext_lazy(
        "Action impossible : la version %(version)s est « %(status)s », on ne peut pas %(action)s."
    ),
    ACTION_LABELS,
    lambda version: {"version": version.label},
)

_transition = partial(workflow.transition, refused=_refused)


@transaction.atomic
def version_start(*, by) -> ProjectVersion:
    """A manager opens the next version (v1 if none): a draft copying the latest validated
    version's sections, missions and actions (with their campaigns), and annexes (rows copied,
    files shared). Only one version may be open (not validated) at a time. Raises
    PermissionDenied, TransitionNotAllowed."""
    require(perms.can_edit_project(by))
    # Serialise concurrent starts: the constraint would refuse the second one anyway.
    current = list(ProjectVersion.objects.select_for_update().filter(status__in=OPEN_STATUSES))
    if current:
        raise TransitionNotAllowed(
            _(
                "La version %(version)s est encore en cours (« %(status)s ») : une seule version "
                "peut être ouverte à la fois."
            )
            % {"version": current[0].label, "status": current[0].get_status_display()}
        )
    base = ProjectVersion.objects.filter(status=VersionStatus.VALIDATED).order_by("-number").first()
    number = (ProjectVersion.objects.aggregate(n=Max("number"))["n"] or 0) + 1
    try:
        with transaction.atomic():
            version = ProjectVersion.objects.create(
                number=number, status=VersionStatus.DRAFT, based_on=base, created_by=by
            )
    except IntegrityError as exc:
        raise TransitionNotAllowed(
            _("Une autre version vient d'être ouverte : rechargez la page.")
        ) from exc
    bodies = dict(base.sections.values_list("key", "body")) if base else {}
    ProjectSection.objects.bulk_create(
        ProjectSection(
            version=version, key=key, position=SECTION_ORDER[key], body=bodies.get(key, "")
        )
        for key in SectionKey.values
    )
    if base:
        links = []  # (copied action, the campaigns of the one it copies)
        for mission in base.missions.prefetch_related("actions__campaigns"):
            actions = list(mission.actions.all())
            mission.pk = None
            mission.public_id = uuid.uuid4()
            mission.version = version
            mission.save()
            for action in actions:
                links.append((action, [campaign.pk for campaign in action.campaigns.all()]))
                action.pk = None
                action.public_id = uuid.uuid4()
                action.mission = mission
            Action.objects.bulk_create(actions)
        Action.campaigns.through.objects.bulk_create(
            Action.campaigns.through(action_id=action.pk, campaign_id=campaign_id)
            for action, campaign_ids in links
            for campaign_id in campaign_ids
        )
        annexes = list(base.annexes.all())
        for annex in annexes:
            annex.pk = None
            annex.public_id = uuid.uuid4()
            annex.version = version  # the same stored file: a validated file never changes
        ProjectAnnex.objects.bulk_create(annexes)
    VersionEvent.objects.create(
        version=version,
        actor=by,
        to_status=VersionStatus.DRAFT,
        note=_("À partir de la version %(version)s.") % {"version": base.label} if base else "",
    )
    return version


@transaction.atomic
def version_submit(*, version_id: int, by) -> ProjectVersion:
    """A manager sends the draft (or the revised version) to the ARS and the CPAM. Authority
    users are notified. Raises PermissionDenied, TransitionNotAllowed."""
    version = locked(version_id)
    require(perms.can_edit_project(by))
    if version.status == VersionStatus.SUBMITTED:
        return version  # retried request
    _transition(version, to=VersionStatus.SUBMITTED, by=by)
    version.submitted_at = timezone.now()
    version.submitted_by = by
    version.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
    notify_version(
        version,
        recipients=[*users_with(Role.AUTHORITY), *users_with(Role.MANAGER)],
        title=lambda: (
            _("Projet de santé %(version)s soumis à votre validation") % {"version": version.label}
        ),
        by=by,
    )
    return version


def no_institution_reason(user) -> str:
    """Why this authority user cannot sign ("" when they can): their account speaks for no
    signing institution."""
    if user.institution in SIGNING_INSTITUTIONS:
        return ""
    return _(
        "Votre compte n'est rattaché ni à l'ARS ni à la CPAM : vous ne pouvez pas signer le "
        "projet de santé. Demandez à l'administrateur de la plateforme de rattacher votre compte "
        "à votre institution."
    )


@transaction.atomic
def version_validate(*, version_id: int, by, note: str = "") -> ProjectVersion:
    """An authority user signs the submitted version for their institution (ARS or CPAM): who,
    when, which institution. The version is validated — frozen from now on, with who and when
    (the last signatory) — once every signing institution has signed; until then it stays
    submitted. A second signature for the same institution (by anyone of it) changes nothing.
    Managers and the other institution are notified. Raises PermissionDenied (no institution),
    TransitionNotAllowed."""
    version = locked(version_id)
    require(perms.can_review_project(by))
    if reason := no_institution_reason(by):
        raise PermissionDenied(reason)
    if version.status == VersionStatus.VALIDATED:
        return version
    if version.signatures.filter(institution=by.institution).exists():
        return version  # the institution has signed already: a retried request
    workflow.check(version, VersionStatus.VALIDATED, refused=_refused)
    note = (note or "").strip()
    VersionSignature.objects.create(
        version=version, institution=by.institution, signed_by=by, note=note
    )
    signed = set(version.signatures.values_list("institution", flat=True))
    waiting = [i for i in SIGNING_INSTITUTIONS if i not in signed]
    if not waiting:
        return _decide(
            version,
            to=VersionStatus.VALIDATED,
            by=by,
            note=note,
            title=gettext_lazy("Projet de santé %(version)s validé par %(who)s"),
            validated_at=timezone.now(),
            validated_by=by,
        )
    # The cover of the PDF shows the signatures: a PDF rendered before is stale.
    version.save(update_fields=["updated_at"])
    others = users_with(Role.AUTHORITY).exclude(institution=by.institution)
    notify_version(
        version,
        recipients=[version.submitted_by, *users_with(Role.MANAGER), *others],
        title=lambda: (
            _("Projet de santé %(version)s : %(signatures)s")
            % {"version": version.label, "signatures": version_signatures(version)["summary"]}
        ),
        by=by,
    )
    return version


@transaction.atomic
def version_request_revision(*, version_id: int, by, reason: str) -> ProjectVersion:
    """An authority user sends the submitted version back to the managers (reason required).
    Raises PermissionDenied, ValidationError, TransitionNotAllowed."""
    version = locked(version_id)
    require(perms.can_review_project(by))
    reason = required_text(reason, "reason", _("Indiquez ce qui doit être revu."))
    if version.status == VersionStatus.REVISION_REQUESTED and version.revision_reason == reason:
        return version
    workflow.check(version, VersionStatus.REVISION_REQUESTED, refused=_refused)
    # The round's signatures go: the revised version is signed anew by every institution.
    version.signatures.all().delete()
    return _decide(
        version,
        to=VersionStatus.REVISION_REQUESTED,
        by=by,
        note=reason,
        title=gettext_lazy("Projet de santé %(version)s : révision demandée par %(who)s"),
        revision_reason=reason,
    )


def _decide(version: ProjectVersion, *, to: str, by, note: str, title: Promise, **changes):
    """The authorities' answer to a submitted version: move it to `to` with the `changes` of
    its fields, and tell the submitter and the managers (`title` names the version and `by`)."""
    _transition(version, to=to, by=by, note=note)
    for name, value in changes.items():
        setattr(version, name, value)
    version.save(update_fields=["status", *changes, "updated_at"])
    _notify_submitter_and_managers(
        version, title=lambda: title % {"version": version.label, "who": by.display_name}, by=by
    )
    return version


def _notify_submitter_and_managers(version: ProjectVersion, *, title: Text, by) -> None:
    """The authorities' answer goes to whoever submitted the version and to every manager."""
    notify_version(
        version, recipients=[version.submitted_by, *users_with(Role.MANAGER)], title=title, by=by
    )


@transaction.atomic
def comment_add(*, version_id: int, by, body: str, section: str = "") -> ProjectComment:
    """A remark on a section (or on the whole version, `section` empty) while the version is
    with the authorities or back in revision. The other side is notified.
    Raises PermissionDenied, ValidationError, TransitionNotAllowed."""
    version = locked(version_id)
    require(perms.can_comment_project(by))
    body = required_text(body, "body", _("Le commentaire est vide."))
    if section and section not in SectionKey.values:
        raise ValidationError({"section": _("Section inconnue.")})
    if version.status not in (VersionStatus.SUBMITTED, VersionStatus.REVISION_REQUESTED):
        raise TransitionNotAllowed(
            _(
                "On ne commente une version que lorsqu'elle est soumise ou en révision "
                "(la version %(version)s est « %(status)s »)."
            )
            % {"version": version.label, "status": version.get_status_display()}
        )
    comment = ProjectComment.objects.create(version=version, section=section, author=by, body=body)
    # An authority's remark goes to the managers and to the other institution; a manager's
    # answer to the authorities.
    if Role.AUTHORITY in by.roles:
        recipients = [
            *users_with(Role.MANAGER),
            *users_with(Role.AUTHORITY).exclude(pk=by.pk).exclude(institution=by.institution),
        ]
    else:
        recipients = users_with(Role.AUTHORITY)
    where = SectionKey(section).label if section else gettext_lazy("la version")
    notify_version(
        version,
        recipients=recipients,
        title=lambda: (
            (
                _("Projet de santé %(version)s : commentaire d'%(who)s sur %(where)s")
                if elides(by.display_name)
                else _("Projet de santé %(version)s : commentaire de %(who)s sur %(where)s")
            )
            % {"version": version.label, "who": by.display_name, "where": where}
        ),
        by=by,
    )
    return comment
