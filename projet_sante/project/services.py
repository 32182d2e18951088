"""Every write on the health-project document.

Transition services follow docs/architecture.md: atomic → re-read the version FOR UPDATE →
check the actor (PermissionDenied, 403) → check the transition table (TransitionNotAllowed, 409)
→ write the event → save(update_fields=…) → notify the other side in the same transaction.
Content edits lock the version row too, so that a submission and an edit never interleave, and
are refused once the version has left the manager's hands (a validated version is frozen: on
PostgreSQL a trigger refuses it as well).
"""

import uuid
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ess import workflow
from ess.errors import TransitionNotAllowed
from ess.models import NotificationKind
from ess.notifications import notify
from ess.permissions import require
from ess.roles import SIGNING_INSTITUTIONS, Role
from ess.text import required_text
from ess.uploads import check_upload
from events.models import Campaign
from members.models import User
from projet_sante.indicators.registry import BY_CODE
from projet_sante.project import permissions as perms
from projet_sante.project.models import (
    OPEN_STATUSES,
    SECTION_ORDER,
    Action,
    ActionStatus,
    Mission,
    MissionKind,
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

_locked = partial(workflow.locked, ProjectVersion)


def _notify(version: ProjectVersion, *, recipients, title: str, by) -> None:
    """Tell the other side of the review, with a link to the version (recorded in this
    transaction, delivered after commit)."""
    notify(
        recipients=recipients,
        kind=NotificationKind.HEALTH_PROJECT,
        title=title,
        url=reverse("projet_sante:project_version", args=[version.public_id]),
        actor=by,
    )


def _notify_submitter_and_managers(version: ProjectVersion, *, title: str, by) -> None:
    """The authorities' answer goes to whoever submitted the version and to every manager."""
    _notify(
        version, recipients=[version.submitted_by, *_users_with(Role.MANAGER)], title=title, by=by
    )


def _users_with(role: Role):
    return User.objects.filter(role_grants__role=role, is_active=True).distinct()


def not_editable_reason(version: ProjectVersion) -> str:
    """Why managers cannot change this version's content now ("" when they can)."""
    if version.is_frozen:
        return _(
            "La version %(version)s est validée : elle est figée, aucune modification n'est "
            "possible. Créez une nouvelle version pour faire évoluer le projet."
        ) % {"version": version.label}
    if not version.is_editable:
        return _(
            "La version %(version)s est « %(status)s » : elle n'est pas modifiable tant que "
            "l'ARS et la CPAM ne l'ont pas renvoyée en révision."
        ) % {"version": version.label, "status": version.get_status_display()}
    return ""


def _locked_for_edit(version_id: int, by) -> ProjectVersion:
    """The version, locked, for a manager to change its content. Raises PermissionDenied, or
    TransitionNotAllowed when it has left the managers' hands."""
    version = _locked(version_id)
    require(perms.can_edit_project(by))
    if reason := not_editable_reason(version):
        raise TransitionNotAllowed(reason)
    return version


def _locked_for_change(version_id: int, by) -> ProjectVersion:
    """`_locked_for_edit`, and the version is marked changed: a PDF rendered before is stale
    (project/reports.py compares it with `updated_at`)."""
    version = _locked_for_edit(version_id, by)
    version.save(update_fields=["updated_at"])
    return version


# ---------------------------------------------------------------------------------------------
# Workflow
# ---------------------------------------------------------------------------------------------
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
    version = _locked(version_id)
    require(perms.can_edit_project(by))
    if version.status == VersionStatus.SUBMITTED:
        return version  # retried request
    _transition(version, to=VersionStatus.SUBMITTED, by=by)
    version.submitted_at = timezone.now()
    version.submitted_by = by
    version.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
    _notify(
        version,
        recipients=[*_users_with(Role.AUTHORITY), *_users_with(Role.MANAGER)],
        title=_("Projet de santé %(version)s soumis à votre validation")
        % {"version": version.label},
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
    version = _locked(version_id)
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
            title=_("Projet de santé %(version)s validé par %(who)s"),
            validated_at=timezone.now(),
            validated_by=by,
        )
    # The cover of the PDF shows the signatures: a PDF rendered before is stale.
    version.save(update_fields=["updated_at"])
    others = _users_with(Role.AUTHORITY).exclude(institution=by.institution)
    _notify(
        version,
        recipients=[version.submitted_by, *_users_with(Role.MANAGER), *others],
        title=_("Projet de santé %(version)s : %(signatures)s")
        % {"version": version.label, "signatures": version_signatures(version)["summary"]},
        by=by,
    )
    return version


@transaction.atomic
def version_request_revision(*, version_id: int, by, reason: str) -> ProjectVersion:
    """An authority user sends the submitted version back to the managers (reason required).
    Raises PermissionDenied, ValidationError, TransitionNotAllowed."""
    version = _locked(version_id)
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
        title=_("Projet de santé %(version)s : révision demandée par %(who)s"),
        revision_reason=reason,
    )


def _decide(version: ProjectVersion, *, to: str, by, note: str, title: str, **changes):
    """The authorities' answer to a submitted version: move it to `to` with the `changes` of
    its fields, and tell the submitter and the managers (`title` names the version and `by`)."""
    _transition(version, to=to, by=by, note=note)
    for name, value in changes.items():
        setattr(version, name, value)
    version.save(update_fields=["status", *changes, "updated_at"])
    _notify_submitter_and_managers(
        version, title=title % {"version": version.label, "who": by.display_name}, by=by
    )
    return version


@transaction.atomic
def comment_add(*, version_id: int, by, body: str, section: str = "") -> ProjectComment:
    """A remark on a section (or on the whole version, `section` empty) while the version is
    with the authorities or back in revision. The other side is notified.
    Raises PermissionDenied, ValidationError, TransitionNotAllowed."""
    version = _locked(version_id)
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
            *_users_with(Role.MANAGER),
            *_users_with(Role.AUTHORITY).exclude(pk=by.pk).exclude(institution=by.institution),
        ]
    else:
        recipients = _users_with(Role.AUTHORITY)
    where = SectionKey(section).label if section else _("la version")
    _notify(
        version,
        recipients=recipients,
        title=_("Projet de santé %(version)s : commentaire de %(who)s sur %(where)s")
        % {"version": version.label, "who": by.display_name, "where": where},
        by=by,
    )
    return comment


# ---------------------------------------------------------------------------------------------
# Content
# ---------------------------------------------------------------------------------------------
@transaction.atomic
def section_update(
    *, version_id: int, key: str, by, body: str, expected_revision: int | None = None
) -> ProjectSection:
    """A manager rewrites a section (Markdown). `expected_revision` (the section's revision
    when the form was shown) refuses a stale form: someone saved it meanwhile.
    Raises PermissionDenied, TransitionNotAllowed, ValidationError."""
    version = _locked_for_edit(version_id, by)
    if key not in SectionKey.values:
        raise ValidationError({"key": _("Section inconnue.")})
    section, _created = ProjectSection.objects.select_for_update().get_or_create(
        version=version, key=key, defaults={"position": SECTION_ORDER[key]}
    )
    if expected_revision is not None and section.revision != expected_revision:
        who = section.updated_by.display_name if section.updated_by else _("quelqu'un")
        raise TransitionNotAllowed(
            _(
                "La section « %(section)s » a été modifiée entre-temps par %(who)s : rechargez-la "
                "et reportez vos changements."
            )
            % {"section": SectionKey(key).label, "who": who}
        )
    body = (body or "").replace("\r\n", "\n")
    if body == section.body:
        return section
    section.body = body
    section.revision += 1
    section.updated_by = by
    section.save(update_fields=["body", "revision", "updated_by", "updated_at"])
    version.save(update_fields=["updated_at"])
    return section


def _mission_clean(fields: dict) -> dict:
    if fields.get("kind") not in MissionKind.values:
        raise ValidationError({"kind": _("Type de mission inconnu.")})
    title = required_text(fields.get("title"), "title", _("Donnez un intitulé à la mission."))
    return {
        "kind": fields["kind"],
        "title": title,
        "description": (fields.get("description") or "").strip(),
    }


@transaction.atomic
def mission_save(*, version_id: int, by, mission_id: int | None = None, **fields) -> Mission:
    """Create (no `mission_id`) or edit a mission of an editable version: kind, title,
    description. Raises PermissionDenied, TransitionNotAllowed, ValidationError."""
    version = _locked_for_change(version_id, by)
    clean = _mission_clean(fields)
    mission = (
        Mission.objects.get(pk=mission_id, version=version) if mission_id is not None else None
    )
    return _save_part(version.missions, mission, clean)


def _save_part(siblings, part, clean: dict):
    """Write a mission or an action: `part` updated with the `clean` fields or, when None, a
    new one created last among `siblings` (the related manager of what it belongs to)."""
    if part is None:
        position = siblings.aggregate(p=Max("position"))["p"]
        return siblings.create(position=(position or 0) + 1, **clean)
    for name, value in clean.items():
        setattr(part, name, value)
    part.save()
    return part


@transaction.atomic
def mission_delete(*, version_id: int, by, mission_id: int) -> None:
    version = _locked_for_change(version_id, by)
    Mission.objects.filter(pk=mission_id, version=version).delete()


def _action_clean(fields: dict) -> dict:
    errors = {}
    title = (fields.get("title") or "").strip()
    if not title:
        errors["title"] = _("Donnez un intitulé à l'action.")
    status = fields.get("status") or ActionStatus.PLANNED
    if status not in ActionStatus.values:
        errors["status"] = _("État inconnu.")
    progress = fields.get("progress") or 0
    if not isinstance(progress, int) or not 0 <= progress <= 100:
        errors["progress"] = _("L'avancement est un pourcentage entre 0 et 100.")
    codes = [c.strip() for c in fields.get("indicator_codes") or [] if c and c.strip()]
    wrong = [c for c in codes if c not in BY_CODE]
    if wrong:
        errors["indicator_codes"] = _("Indicateur inconnu : %(codes)s.") % {
            "codes": ", ".join(wrong)
        }
    owner = fields.get("owner")
    owner_name = (fields.get("owner_name") or "").strip()
    if owner is not None and owner_name:
        errors["owner_name"] = _("Indiquez un pilote membre ou un nom, pas les deux.")
    if errors:
        raise ValidationError(errors)
    return {
        "title": title,
        "owner": owner,
        "owner_name": owner_name,
        "target_date": fields.get("target_date"),
        "status": status,
        "progress": 100 if status == ActionStatus.DONE and not progress else progress,
        "indicator_codes": list(dict.fromkeys(codes)),
    }


@transaction.atomic
def action_save(
    *, version_id: int, mission_id: int, by, action_id: int | None = None, **fields
) -> Action:
    """Create (no `action_id`) or edit an action of a mission of an editable version: title,
    owner (a user or a free-text name), target date, status, progress 0–100, indicator codes,
    and the public-health campaigns that carry it out (`campaigns`: Campaign rows or ids; left
    as they are when not given). Raises PermissionDenied, TransitionNotAllowed,
    ValidationError."""
    version = _locked_for_change(version_id, by)
    mission = Mission.objects.get(pk=mission_id, version=version)
    campaigns = fields.pop("campaigns", None)
    clean = _action_clean(fields)
    campaign_ids = _campaign_ids(campaigns)
    action = (
        Action.objects.get(pk=action_id, mission__version=version)
        if action_id is not None
        else None
    )
    action = _save_part(mission.actions, action, {"mission": mission, **clean})
    if campaign_ids is not None:
        action.campaigns.set(campaign_ids)
    return action


def _campaign_ids(campaigns) -> list[int] | None:
    """The ids of `campaigns` (rows or ids), checked to exist; None when not given."""
    if campaigns is None:
        return None
    ids = list(dict.fromkeys(getattr(c, "pk", c) for c in campaigns))
    known = set(Campaign.objects.filter(pk__in=ids).values_list("pk", flat=True))
    if len(known) != len(ids):
        raise ValidationError({"campaigns": _("Campagne inconnue.")})
    return ids


@transaction.atomic
def action_delete(*, version_id: int, by, action_id: int) -> None:
    version = _locked_for_change(version_id, by)
    Action.objects.filter(pk=action_id, mission__version=version).delete()


@transaction.atomic
def annex_add(*, version_id: int, by, title: str, upload) -> ProjectAnnex:
    """Attach a file to an editable version, checked by its content (ess.uploads: PDF, JPEG,
    PNG, text; size limited) and stored privately under an opaque name.
    Raises PermissionDenied, TransitionNotAllowed, ValidationError (nothing is written)."""
    version = _locked_for_change(version_id, by)
    try:
        checked = check_upload(upload)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    annex = ProjectAnnex(
        version=version,
        title=(title or "").strip() or checked.name,
        uploaded_by=by,
    )
    annex.keep(checked)
    try:
        with transaction.atomic():
            annex.save()
    except Exception:
        annex.file.delete(save=False)
        raise
    return annex


@transaction.atomic
def annex_delete(*, version_id: int, by, annex_id: int) -> None:
    """Detach an annex from an editable version. The stored file stays: earlier versions may
    share it."""
    version = _locked_for_change(version_id, by)
    ProjectAnnex.objects.filter(pk=annex_id, version=version).delete()
