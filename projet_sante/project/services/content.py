"""A manager's changes to the content of an editable version: its sections, missions and
actions, and annexes. Each locks the version row first, so that a submission and an edit never
interleave, and is refused once the version has left the managers' hands (a validated version
is frozen: on PostgreSQL a trigger refuses it as well)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from ess.errors import TransitionNotAllowed
from ess.text import required_text
from ess.uploads import check_upload
from events.models import Campaign
from projet_sante.indicators.registry import BY_CODE
from projet_sante.project.models import (
    SECTION_ORDER,
    Action,
    ActionStatus,
    Mission,
    MissionKind,
    ProjectAnnex,
    ProjectSection,
    SectionKey,
)
from projet_sante.project.services.common import locked_for_change, locked_for_edit


@transaction.atomic
def section_update(
    *, version_id: int, key: str, by, body: str, expected_revision: int | None = None
) -> ProjectSection:
    """A manager rewrites a section (Markdown). `expected_revision` (the section's revision
    when the form was shown) refuses a stale form: someone saved it meanwhile.
    Raises PermissionDenied, TransitionNotAllowed, ValidationError."""
    version = locked_for_edit(version_id, by)
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
    version = locked_for_change(version_id, by)
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
    version = locked_for_change(version_id, by)
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
    elif status == ActionStatus.DONE and progress not in (0, 100):
        errors["progress"] = _(
            "Une action réalisée est avancée à 100 % : corrigez l'avancement ou l'état."
        )
    elif status in (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS) and progress == 100:
        errors["progress"] = _(
            "À 100 %, l'action est réalisée : choisissez l'état « Réalisée » ou corrigez "
            "l'avancement."
        )
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
    version = locked_for_change(version_id, by)
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
    version = locked_for_change(version_id, by)
    Action.objects.filter(pk=action_id, mission__version=version).delete()


@transaction.atomic
def annex_add(*, version_id: int, by, title: str, upload) -> ProjectAnnex:
    """Attach a file to an editable version, checked by its content (ess.uploads: PDF, JPEG,
    PNG, text; size limited) and stored privately under an opaque name.
    Raises PermissionDenied, TransitionNotAllowed, ValidationError (nothing is written)."""
    version = locked_for_change(version_id, by)
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
    version = locked_for_change(version_id, by)
    ProjectAnnex.objects.filter(pk=annex_id, version=version).delete()
