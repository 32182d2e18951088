"""Every write on partners and conventions.

Transition services follow docs/architecture.md: atomic → re-read the row FOR UPDATE → check the
actor (PermissionDenied, 403) → check the transition table (TransitionNotAllowed, 409) → write the
event → save(update_fields=…). Repeating a transition already done is a no-op. `by=None` is the
daily job (activation and expiry by date), allowed only where said.
"""

from datetime import date, timedelta
from functools import partial

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ess import workflow
from ess.errors import TransitionNotAllowed
from ess.models import NotificationKind
from ess.notifications import notify
from ess.permissions import require
from ess.roles import Role
from ess.templatetags.ess_tags import long_date
from ess.text import required_text
from ess.uploads import check_uploads
from ess.workflow_steps import advance
from members.models import User
from partners import permissions as perms
from partners.models import (
    REMINDER_THRESHOLDS,
    Convention,
    ConventionDocument,
    ConventionEvent,
    ConventionEventKind,
    ConventionReminder,
    ConventionStatus,
    DocumentType,
    Partner,
    ReminderKind,
    convention_date_errors,
)
from partners.services.contacts import contact_add, contact_delete, contact_update
from partners.services.protocols import (
    MAX_TASK_DAY,
    TaskTemplateInput,
    protocol_task_template_add,
    protocol_task_template_remove,
    protocol_task_template_update,
    protocol_update,
)

__all__ = [
    "MAX_TASK_DAY",
    "TaskTemplateInput",
    "contact_add",
    "contact_delete",
    "contact_update",
    "protocol_task_template_add",
    "protocol_task_template_remove",
    "protocol_task_template_update",
    "protocol_update",
]

# ---------------------------------------------------------------------------------------------
# Partners (their contacts: contacts.py)
# ---------------------------------------------------------------------------------------------
PARTNER_RELATIONS = ("covered_departements", "covered_communes", "organisations")


def _partner_relations_set(partner: Partner, relations: dict) -> None:
    if "covered_departements" in relations:
        partner.covered_departements.set(relations["covered_departements"])
    if "covered_communes" in relations:
        partner.covered_communes.set(relations["covered_communes"])
    if "organisations" in relations:
        # Requesters' organisations (a CPTS, an EHPAD) belong to at most one partner.
        wanted = {o.pk for o in relations["organisations"]}
        partner.organisations.exclude(pk__in=wanted).update(partner=None)
        if wanted:
            type(partner).organisations.field.model.objects.filter(pk__in=wanted).update(
                partner=partner
            )


@transaction.atomic
def partner_create(*, by, **fields) -> Partner:
    """A manager records a partner. `fields` are the model's fields, plus the lists
    covered_departements, covered_communes and organisations (requesters' organisations that
    belong to it). Raises PermissionDenied, ValidationError (identifiers)."""
    require(perms.can_manage_partners(by))
    relations = {k: fields.pop(k) for k in PARTNER_RELATIONS if k in fields}
    partner = Partner(**fields)
    partner.full_clean()
    partner.save()
    _partner_relations_set(partner, relations)
    return partner


@transaction.atomic
def partner_update(*, partner_id: int, by, **fields) -> Partner:
    require(perms.can_manage_partners(by))
    partner = Partner.objects.select_for_update().get(pk=partner_id)
    relations = {k: fields.pop(k) for k in PARTNER_RELATIONS if k in fields}
    for name, value in fields.items():
        setattr(partner, name, value)
    partner.full_clean()
    partner.save()
    _partner_relations_set(partner, relations)
    return partner


# ---------------------------------------------------------------------------------------------
# Conventions: content
# ---------------------------------------------------------------------------------------------
TRACKED_FIELDS = (
    "kind",
    "title",
    "object",
    "commitments",
    "referent",
    "signed_on",
    "effective_on",
    "end_on",
    "next_evaluation_on",
)


def _convention_check(convention: Convention, parties) -> None:
    if not parties:
        raise ValidationError({"parties": _("Une convention engage au moins un partenaire.")})
    errors = convention_date_errors(
        convention.effective_on, convention.end_on, convention.next_evaluation_on
    )
    if errors:
        raise ValidationError(errors)
    convention.full_clean(exclude=["parties", "created_by"])


@transaction.atomic
def convention_create(*, by, parties, **fields) -> Convention:
    """A manager drafts a convention with one or more partners. Status: draft.
    Raises PermissionDenied, ValidationError."""
    require(perms.can_manage_conventions(by))
    fields.pop("status", None)
    convention = Convention(created_by=by, status=ConventionStatus.DRAFT, **fields)
    _convention_check(convention, parties)
    convention.save()
    convention.parties.set(parties)
    ConventionEvent.objects.create(
        convention=convention,
        actor=by,
        kind=ConventionEventKind.CREATED,
        to_status=ConventionStatus.DRAFT,
    )
    return convention


@transaction.atomic
def convention_update(*, convention_id: int, by, parties=None, **fields) -> Convention:
    """Edit the content and dates (an amendment after signature moves the dates too). The status
    is not editable here. An expired or terminated convention is closed: TransitionNotAllowed.
    The history records which fields changed."""
    convention = Convention.objects.select_for_update().get(pk=convention_id)
    require(perms.can_manage_conventions(by))
    if convention.is_closed:
        raise TransitionNotAllowed(
            _("La convention est « %(status)s » : elle n'est plus modifiable.")
            % {"status": convention.get_status_display()}
        )
    fields.pop("status", None)
    changed = [
        str(Convention._meta.get_field(name).verbose_name)
        for name, value in fields.items()
        if name in TRACKED_FIELDS and getattr(convention, name) != value
    ]
    for name, value in fields.items():
        setattr(convention, name, value)
    parties = list(parties) if parties is not None else list(convention.parties.all())
    if {p.pk for p in parties} != set(convention.parties.values_list("pk", flat=True)):
        changed.append(str(Convention._meta.get_field("parties").verbose_name))
    _convention_check(convention, parties)
    convention.save()
    convention.parties.set(parties)
    if changed:
        ConventionEvent.objects.create(
            convention=convention,
            actor=by,
            kind=ConventionEventKind.UPDATED,
            note=_("Modifié : %(fields)s.") % {"fields": ", ".join(changed)},
        )
    return convention


@transaction.atomic
def convention_document_add(*, convention_id: int, by, doc_type: str, upload) -> ConventionDocument:
    """Store a new version of one of the convention's documents (drafts, the signed PDF,
    annexes): the file is checked by its content (ess.uploads), the signed one must be a PDF.
    Earlier versions are kept; an expired or terminated convention takes no more documents.
    Raises PermissionDenied, ValidationError, TransitionNotAllowed."""
    convention = Convention.objects.select_for_update().get(pk=convention_id)
    require(perms.can_manage_conventions(by))
    if convention.is_closed:
        raise TransitionNotAllowed(
            _("La convention est « %(status)s » : elle n'est plus modifiable.")
            % {"status": convention.get_status_display()}
        )
    if doc_type not in DocumentType.values:
        raise ValidationError({"doc_type": _("Type de document inconnu.")})
    (checked,) = check_uploads([upload])
    if doc_type == DocumentType.SIGNED and checked.content_type != "application/pdf":
        raise ValidationError(
            {
                "file": _("La convention signée se dépose en PDF (« %(name)s » n'en est pas un).")
                % {"name": checked.name}
            }
        )
    last = convention.documents.filter(doc_type=doc_type).aggregate(v=Max("version"))["v"]
    document = ConventionDocument(
        convention=convention,
        doc_type=doc_type,
        version=(last or 0) + 1,
        uploaded_by=by,
    )
    document.keep(checked)
    document.save()
    ConventionEvent.objects.create(
        convention=convention,
        actor=by,
        kind=ConventionEventKind.DOCUMENT,
        note=f"{document.get_doc_type_display()} v{document.version} : {document.original_name}",
    )
    return document


# ---------------------------------------------------------------------------------------------
# Conventions: lifecycle
# ---------------------------------------------------------------------------------------------
ACTION_LABELS = {
    ConventionStatus.NEGOTIATION: gettext_lazy("passer en négociation"),
    ConventionStatus.SIGNED: gettext_lazy("marquer signée"),
    ConventionStatus.ACTIVE: gettext_lazy("mettre en vigueur"),
    ConventionStatus.EXPIRED: gettext_lazy("déclarer échue"),
    ConventionStatus.TERMINATED: gettext_lazy("résilier"),
}


_refused = workflow.Refusal(
    gettext_lazy(
        "Action impossible : la convention « %(title)s » est « %(status)s », on ne peut "
        "pas la %(action)s."
    ),
    ACTION_LABELS,
    lambda convention: {"title": convention.title},
)


_locked = partial(workflow.locked, Convention)

_transition = partial(workflow.transition, refused=_refused)
_advance = partial(advance, refused=_refused)


def _manager_or_job(by) -> None:
    if by is not None:
        require(perms.can_manage_conventions(by))


@transaction.atomic
def convention_submit_for_negotiation(*, convention_id: int, by) -> Convention:
    """The draft is sent to the partners for negotiation."""
    convention = _locked(convention_id)
    require(perms.can_manage_conventions(by))
    _advance(convention, ConventionStatus.NEGOTIATION, by=by)
    return convention


@transaction.atomic
def convention_sign(
    *, convention_id: int, by, signed_on: date, effective_on: date | None = None
) -> Convention:
    """Record the signature. Requires the signed PDF to be uploaded first, a signature date not in
    the future, and a date of effect (given, already set, or the signature date). When that date
    is today or past, the convention is in force at once: two events, signed then active.
    Raises PermissionDenied, TransitionNotAllowed, ValidationError."""
    convention = _locked(convention_id)
    require(perms.can_manage_conventions(by))
    if convention.status in (ConventionStatus.SIGNED, ConventionStatus.ACTIVE):
        return convention
    workflow.check(convention, ConventionStatus.SIGNED, refused=_refused)
    today = timezone.localdate()
    if signed_on is None:
        raise ValidationError({"signed_on": _("Indiquez la date de signature.")})
    if signed_on > today:
        raise ValidationError({"signed_on": _("La date de signature ne peut être dans le futur.")})
    if not convention.documents.filter(doc_type=DocumentType.SIGNED).exists():
        raise ValidationError(
            {
                "document": _(
                    "Déposez d'abord la convention signée (PDF) avant de la marquer signée."
                )
            }
        )
    effective_on = effective_on or convention.effective_on or signed_on
    if convention.end_on and convention.end_on < effective_on:
        raise ValidationError(
            {"effective_on": _("La prise d'effet ne peut être postérieure à l'échéance.")}
        )
    _transition(convention, to=ConventionStatus.SIGNED, by=by)
    convention.signed_on = signed_on
    convention.effective_on = effective_on
    if effective_on <= today:
        _transition(
            convention,
            to=ConventionStatus.ACTIVE,
            by=by,
            note=_("En vigueur depuis le %(date)s.") % {"date": long_date(effective_on)},
        )
    convention.save(update_fields=["status", "signed_on", "effective_on", "updated_at"])
    return convention


def _on_its_date(convention_id: int, to: str, *, by, today: date | None, too_early) -> Convention:
    """Move a convention to `to` once its date has come (the daily job, `by=None`, or a
    manager): `too_early(convention, today)` says why not yet ("" once it has come:
    TransitionNotAllowed otherwise). Again: no-op."""
    convention = _locked(convention_id)
    _manager_or_job(by)
    if convention.status == to:
        return convention
    workflow.check(convention, to, refused=_refused)
    if reason := too_early(convention, today or timezone.localdate()):
        raise TransitionNotAllowed(reason)
    _advance(convention, to, by=by)
    return convention


def _not_in_effect_yet(convention: Convention, today: date) -> str:
    if convention.effective_on and convention.effective_on > today:
        return _("La convention ne prend effet que le %(date)s.") % {
            "date": long_date(convention.effective_on)
        }
    return ""


def _not_over_yet(convention: Convention, today: date) -> str:
    if not convention.end_on or convention.end_on >= today:
        return _("La convention n'est pas arrivée à échéance : pour y mettre fin, résiliez-la.")
    return ""


@transaction.atomic
def convention_activate(*, convention_id: int, by=None, today: date | None = None) -> Convention:
    """A signed convention comes into force on its date of effect (the daily job, `by=None`, or a
    manager). Before that date: TransitionNotAllowed."""
    return _on_its_date(
        convention_id, ConventionStatus.ACTIVE, by=by, today=today, too_early=_not_in_effect_yet
    )


@transaction.atomic
def convention_expire(*, convention_id: int, by=None, today: date | None = None) -> Convention:
    """A convention past its end date is over (the daily job, `by=None`, or a manager). Before
    the end date: TransitionNotAllowed (end it early with convention_terminate)."""
    return _on_its_date(
        convention_id, ConventionStatus.EXPIRED, by=by, today=today, too_early=_not_over_yet
    )


@transaction.atomic
def convention_terminate(*, convention_id: int, by, reason: str) -> Convention:
    """End a convention early, or abandon a draft or a negotiation (reason required)."""
    convention = _locked(convention_id)
    require(perms.can_manage_conventions(by))
    reason = required_text(reason, "reason", _("Indiquez le motif de la résiliation."))
    _advance(convention, ConventionStatus.TERMINATED, by=by, note=reason, termination_reason=reason)
    return convention


def conventions_apply_dates(*, today: date | None = None) -> tuple[int, int]:
    """The daily job: signed conventions whose date of effect has come are put in force,
    conventions past their end date expire. Returns (activated, expired). Idempotent."""
    today = today or timezone.localdate()
    activated = expired = 0
    due = Convention.objects.filter(status=ConventionStatus.SIGNED, effective_on__lte=today)
    for pk in due.values_list("pk", flat=True):
        convention_activate(convention_id=pk, today=today)
        activated += 1
    over = Convention.objects.filter(
        status__in=[ConventionStatus.SIGNED, ConventionStatus.ACTIVE], end_on__lt=today
    )
    for pk in over.values_list("pk", flat=True):
        convention_expire(convention_id=pk, today=today)
        expired += 1
    return activated, expired


# ---------------------------------------------------------------------------------------------
# Reminders
# ---------------------------------------------------------------------------------------------
def _managers():
    return User.objects.filter(role_grants__role=Role.MANAGER, is_active=True).distinct()


def _reminder_title(convention: Convention, kind: str, target: date, days_left: int) -> str:
    what = _("fin") if kind == ReminderKind.END else _("évaluation")
    return _("Convention « %(title)s » : %(what)s le %(date)s (dans %(days)s jours)") % {
        "title": convention.title,
        "what": what,
        "date": date_format(target, "SHORT_DATE_FORMAT"),
        "days": days_left,
    }


def conventions_send_reminders(*, today: date | None = None) -> int:
    """Remind the convention's referent and the managers 90 and 30 days before its end date and
    before its next evaluation date, once each (Celery beat, daily).

    Each (convention, date kind, threshold, date) is claimed by inserting a unique row; a run that
    finds it already there sends nothing, so overlapping or repeated runs never remind twice. When
    a date is set closer than 90 days, only the nearest threshold is sent (the farther one is
    claimed silently). Notifications go through the outbox, in the transaction of the claim.
    Returns the number of reminders sent."""
    today = today or timezone.localdate()
    horizon = today + timedelta(days=max(REMINDER_THRESHOLDS))
    sent = 0
    candidates = Convention.objects.filter(
        status__in=[ConventionStatus.SIGNED, ConventionStatus.ACTIVE]
    )
    for kind, field in (
        (ReminderKind.END, "end_on"),
        (ReminderKind.EVALUATION, "next_evaluation_on"),
    ):
        rows = candidates.filter(
            **{f"{field}__gte": today, f"{field}__lte": horizon}
        ).select_related("referent")
        for convention in rows:
            target = getattr(convention, field)
            days_left = (target - today).days
            reached = sorted(t for t in REMINDER_THRESHOLDS if days_left <= t)
            with transaction.atomic():
                claimed = []
                for threshold in reached:
                    try:
                        with transaction.atomic():
                            ConventionReminder.objects.create(
                                convention=convention,
                                kind=kind,
                                threshold_days=threshold,
                                target_date=target,
                            )
                        claimed.append(threshold)
                    except IntegrityError:  # already claimed by an earlier or concurrent run
                        continue
                if reached[0] not in claimed:
                    continue
                notify(
                    recipients=[convention.referent, *_managers()],
                    kind=NotificationKind.CONVENTION_REMINDER,
                    title=partial(_reminder_title, convention, kind, target, days_left),
                    url=reverse("partners:convention_detail", args=[convention.public_id]),
                    dedupe_key=f"conv:{convention.pk}:{kind}:{reached[0]}:{target.isoformat()}",
                )
                sent += 1
    return sent
