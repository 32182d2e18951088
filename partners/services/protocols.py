"""Executable protocols: the people of a cooperation or organisation protocol (its delegating
doctors and delegates) and its task plan, edited on the convention by those who manage
conventions."""

from dataclasses import dataclass
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext as _

from ess import workflow
from ess.errors import TransitionNotAllowed
from ess.permissions import require
from ess.roles import Role
from members.models import User
from partners import permissions as perms
from partners.models import (
    Convention,
    ConventionEvent,
    ConventionEventKind,
    Protocol,
    ProtocolTaskKind,
    ProtocolTaskTemplate,
)

_locked = partial(workflow.locked, Convention)


# ---------------------------------------------------------------------------------------------
# Protocols: their people and their task plan
# ---------------------------------------------------------------------------------------------
# A task is due at most this many days after the pathway opens (a protocol runs over months).
MAX_TASK_DAY = 730


@dataclass
class TaskTemplateInput:
    """One task of a protocol's plan as the edit page sends it: `template_id` names an existing
    one (None: a new one), `delete` removes it."""

    label: str
    kind: str
    day: int | None
    instructions: str = ""
    template_id: int | None = None
    delete: bool = False


def _open_protocol_convention(convention_id: int) -> Convention:
    convention = _locked(convention_id)
    if not convention.is_protocol:
        raise ValidationError(
            _("« %(title)s » n'est pas un protocole : elle n'a ni délégants ni tâches types.")
            % {"title": convention.title}
        )
    if convention.is_closed:
        raise TransitionNotAllowed(
            _("La convention est « %(status)s » : son protocole n'est plus modifiable.")
            % {"status": convention.get_status_display()}
        )
    return convention


def _people_check(users, role: Role, field: str, message: str) -> list:
    """`users` all active and holding `role`, else a ValidationError naming the first who is
    not (the message takes %(who)s)."""
    users = list(users)
    allowed = set(
        User.objects.filter(
            pk__in=[u.pk for u in users], is_active=True, role_grants__role=role
        ).values_list("pk", flat=True)
    )
    wrong = [u for u in users if u.pk not in allowed]
    if wrong:
        raise ValidationError({field: message % {"who": wrong[0].display_name}})
    return users


def _task_template_clean(data: TaskTemplateInput) -> dict:
    """The template's fields, checked: a label, a known kind, a day from 0 to MAX_TASK_DAY."""
    errors = {}
    label = (data.label or "").strip()
    if not label:
        errors["label"] = _("Indiquez la tâche.")
    elif len(label) > ProtocolTaskTemplate._meta.get_field("label").max_length:
        errors["label"] = _("Le libellé d'une tâche tient en 150 caractères.")
    if data.kind not in ProtocolTaskKind.values:
        errors["kind"] = _("Nature de tâche inconnue.")
    if data.day is None:
        errors["day"] = _("Indiquez le jour de la tâche (J+n).")
    elif not 0 <= data.day <= MAX_TASK_DAY:
        errors["day"] = _("Le jour d'une tâche va de J0 à J%(max)d.") % {"max": MAX_TASK_DAY}
    if errors:
        raise ValidationError(errors)
    return {
        "label": label,
        "kind": data.kind,
        "day": data.day,
        "instructions": (data.instructions or "").strip(),
    }


def _task_templates_write(protocol: Protocol, tasks: list[TaskTemplateInput]) -> None:
    """Apply the edit page's list of templates (new, changed, removed) after checking all of
    them: an error on any line writes nothing (the messages say which line)."""
    existing = {t.pk: t for t in protocol.task_templates.all()}
    errors: dict[str, list] = {}
    kept: list[tuple[ProtocolTaskTemplate | None, dict]] = []
    removed = []
    for number, data in enumerate(tasks, start=1):
        template = None
        if data.template_id is not None:
            template = existing.get(data.template_id)
            if template is None:
                errors.setdefault("task_templates", []).append(
                    _("Tâche %(n)d : elle n'appartient pas à ce protocole.") % {"n": number}
                )
                continue
        if data.delete:
            if template is not None:
                removed.append(template.pk)
            continue
        try:
            kept.append((template, _task_template_clean(data)))
        except ValidationError as exc:
            for message in exc.messages:
                errors.setdefault("task_templates", []).append(
                    _("Tâche %(n)d : %(error)s") % {"n": number, "error": message}
                )
    untouched = [
        (t, {"label": t.label, "day": t.day})
        for pk, t in existing.items()
        if pk not in removed and pk not in {tpl.pk for tpl, _f in kept if tpl is not None}
    ]
    seen = set()
    for _tpl, fields in [*untouched, *kept]:
        key = (fields["day"], fields["label"].casefold())
        if key in seen:
            errors.setdefault("task_templates", []).append(
                _("La tâche « %(label)s » figure deux fois à J%(day)d.")
                % {"label": fields["label"], "day": fields["day"]}
            )
        seen.add(key)
    if errors:
        raise ValidationError(errors)
    ProtocolTaskTemplate.objects.filter(pk__in=removed).delete()
    # Changed rows first move out of the way of the unique (protocol, day, label), then land.
    changed = [(t, f) for t, f in kept if t is not None]
    for template, fields in changed:
        for name, value in fields.items():
            setattr(template, name, value)
    if changed:
        ProtocolTaskTemplate.objects.filter(pk__in=[t.pk for t, _f in changed]).update(
            label=Concat(Value("~"), Cast("pk", CharField()))
        )
        ProtocolTaskTemplate.objects.bulk_update(
            [t for t, _f in changed], ["label", "kind", "day", "instructions"]
        )
    ProtocolTaskTemplate.objects.bulk_create(
        [ProtocolTaskTemplate(protocol=protocol, **f) for t, f in kept if t is None]
    )


@transaction.atomic
def protocol_update(
    *,
    convention_id: int,
    by,
    specialty=None,
    eligibility: str = "",
    delegating_doctors=(),
    delegates=(),
    task_templates: list[TaskTemplateInput] | None = None,
) -> Protocol:
    """Set a protocol's specialty, eligibility criteria, delegating doctors (active members with
    the specialist role), delegated professionals (active members with the paramedic role: IPA,
    IDE) and, when given, its task templates (the whole list as the edit page shows it). The
    protocol row is created with its first edit. Requires the convention to be of a protocol
    kind and not closed. Raises PermissionDenied, TransitionNotAllowed (closed convention),
    ValidationError (French messages; nothing written). The history records the change."""
    require(perms.can_manage_conventions(by))
    convention = _open_protocol_convention(convention_id)
    doctors = _people_check(
        delegating_doctors,
        Role.SPECIALIST,
        "delegating_doctors",
        _("%(who)s n'est pas un médecin spécialiste membre de l'ESS : il ne peut pas déléguer."),
    )
    people = _people_check(
        delegates,
        Role.PARAMEDIC,
        "delegates",
        _(
            "%(who)s n'est pas un professionnel paramédical (IPA, IDE) de l'ESS : seuls eux "
            "peuvent recevoir une délégation."
        ),
    )
    both = {u.pk for u in doctors} & {u.pk for u in people}
    if both:
        raise ValidationError(
            {"delegates": _("Une même personne ne peut être à la fois délégante et déléguée.")}
        )
    protocol, _created = Protocol.objects.get_or_create(convention=convention)
    protocol.specialty = specialty
    protocol.eligibility = (eligibility or "").strip()
    if task_templates is not None:
        _task_templates_write(protocol, task_templates)
    protocol.save()
    protocol.delegating_doctors.set(doctors)
    protocol.delegates.set(people)
    ConventionEvent.objects.create(
        convention=convention,
        actor=by,
        kind=ConventionEventKind.UPDATED,
        note=_("Protocole modifié."),
    )
    return protocol


def _protocol_for_templates(protocol_id: int, by) -> Protocol:
    require(perms.can_manage_conventions(by))
    protocol = Protocol.objects.select_related("convention").get(pk=protocol_id)
    _open_protocol_convention(protocol.convention_id)
    return protocol


@transaction.atomic
def protocol_task_template_add(
    *, protocol_id: int, by, label: str, kind: str, day: int, instructions: str = ""
) -> ProtocolTaskTemplate:
    """Add one task to a protocol's plan (J+n). Raises PermissionDenied, TransitionNotAllowed
    (closed convention), ValidationError (label, kind, day, the same task twice that day)."""
    protocol = _protocol_for_templates(protocol_id, by)
    fields = _task_template_clean(TaskTemplateInput(label, kind, day, instructions))
    _task_template_unique(protocol, fields)
    return ProtocolTaskTemplate.objects.create(protocol=protocol, **fields)


def _task_template_unique(protocol: Protocol, fields: dict, *, exclude=None) -> None:
    same = protocol.task_templates.filter(day=fields["day"], label__iexact=fields["label"])
    if exclude is not None:
        same = same.exclude(pk=exclude)
    if same.exists():
        raise ValidationError(
            {
                "label": _("La tâche « %(label)s » figure déjà à J%(day)d.")
                % {"label": fields["label"], "day": fields["day"]}
            }
        )


@transaction.atomic
def protocol_task_template_update(
    *, template_id: int, by, label: str, kind: str, day: int, instructions: str = ""
) -> ProtocolTaskTemplate:
    """Change one task of a protocol's plan (same checks as adding one). Pathways already
    opened keep the tasks they were given."""
    template = ProtocolTaskTemplate.objects.select_for_update().get(pk=template_id)
    protocol = _protocol_for_templates(template.protocol_id, by)
    fields = _task_template_clean(TaskTemplateInput(label, kind, day, instructions))
    _task_template_unique(protocol, fields, exclude=template.pk)
    for name, value in fields.items():
        setattr(template, name, value)
    template.save()
    return template


@transaction.atomic
def protocol_task_template_remove(*, template_id: int, by) -> None:
    """Remove one task from a protocol's plan (pathways already opened keep theirs)."""
    template = ProtocolTaskTemplate.objects.select_for_update().get(pk=template_id)
    _protocol_for_templates(template.protocol_id, by)
    template.delete()
