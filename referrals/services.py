"""Every write on referrals: intake, the lifecycle transitions, messages, attachments.

Transition services follow docs/architecture.md: atomic → re-read the row FOR UPDATE → check the
actor (PermissionDenied, 403) → check the transition table (TransitionNotAllowed, 409) → write the
event → save(update_fields=…). Repeating a transition already done by the same actor is a no-op.
"""

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ess import errors
from ess.models import Commune, Specialty
from ess.models import NotificationKind as Kind
from ess.roles import Role
from ess.uploads import CheckedFile, check_uploads
from ess.validators import (
    normalize_birth_place_code,
    normalize_nir,
    normalize_phone,
    validate_birth_date,
    validate_long_text,
    validate_nir_traits,
)
from referrals import permissions as perms
from referrals.deadlines import due_times, nearing_deadline
from referrals.models import (
    TAKEN_STATUSES,
    TELEEXPERTISE_MODES,
    WAITING,
    Attachment,
    EventKind,
    IdempotencyKey,
    IdentityDocument,
    IdentityStatus,
    InsOid,
    Message,
    Patient,
    Priority,
    Referral,
    ReferralEvent,
    ResponseMode,
    Status,
    TeleexpertiseAct,
)
from referrals.notifications import message_notify, referral_notify
from scheduling import services as scheduling


class TransitionNotAllowed(errors.TransitionNotAllowed):
    """The referral's status does not allow this action (HTTP 409)."""


class IdempotencyConflict(errors.IdempotencyConflict):
    """The same Idempotency-Key was used for a different request (HTTP 409)."""


# ---------------------------------------------------------------------------------------------
# Intake
# ---------------------------------------------------------------------------------------------
@dataclass
class PatientInput:
    birth_name: str
    first_names: str
    sex: str
    birth_date: date
    ins: str = ""
    birth_place_code: str = ""
    used_name: str = ""
    phone: str = ""
    commune: Commune | None = None
    gp_name: str = ""


@dataclass
class ReferralInput:
    patient: PatientInput
    specialty: Specialty
    question: str
    urgency: str
    consent: bool
    context: str = ""
    preferred_response: str = "no_preference"
    callback_availability: str = ""
    referring_gp_name: str = ""
    referring_gp: object = None
    files: list = field(default_factory=list)


def _fingerprint(data: ReferralInput) -> str:
    def default(value):
        if isinstance(value, date | datetime):
            return value.isoformat()
        if isinstance(value, Commune):
            return value.code
        if isinstance(value, Specialty):
            return value.code
        return str(value)

    payload = asdict(data) | {"files": [(f.name, f.size) for f in data.files]}
    payload["specialty"] = data.specialty.code
    payload["patient"]["commune"] = data.patient.commune.code if data.patient.commune else ""
    payload["referring_gp"] = str(data.referring_gp.public_id) if data.referring_gp else ""
    raw = json.dumps(payload, sort_keys=True, default=default)
    return hashlib.sha256(raw.encode()).hexdigest()


def next_reference(now: datetime | None = None) -> str:
    """ESS-<year>-<6 digits>, from a counter that only goes up (atomic on PostgreSQL and SQLite)."""
    year = timezone.localtime(now or timezone.now()).year
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO referrals_referencecounter (year, last) VALUES (%s, 1) "
            "ON CONFLICT (year) DO UPDATE SET last = referrals_referencecounter.last + 1 "
            "RETURNING last",
            [year],
        )
        (number,) = cursor.fetchone()
    return f"ESS-{year}-{number:06d}"


def _patient_resolve(data: PatientInput) -> tuple[Patient, dict | None]:
    """The patient this submission is about: the same INS (or, without INS, the same five strict
    traits) is the same patient. Conflicting traits for a known INS are returned, not written."""
    traits = {
        "birth_name": data.birth_name.strip().upper(),
        "first_names": " ".join(data.first_names.split()).upper(),
        "sex": data.sex,
        "birth_date": data.birth_date,
        "birth_place_code": data.birth_place_code.strip().upper(),
    }
    ins = normalize_nir(data.ins)
    extra = {
        "used_name": data.used_name.strip().upper(),
        "phone": data.phone.strip(),
        "commune": data.commune,
        "gp_name": data.gp_name.strip(),
    }
    if ins:
        oid = InsOid.NIA if ins[0] in "78" else InsOid.NIR
        try:
            with transaction.atomic():
                patient, created = Patient.objects.get_or_create(
                    ins=ins, defaults={**traits, **extra, "ins_oid": oid}
                )
        except IntegrityError:  # created concurrently by another submission
            patient, created = Patient.objects.get(ins=ins), False
        if created:
            return patient, None
        known = patient.strict_traits()
        typed = {**traits, "birth_date": traits["birth_date"].isoformat()}
        differing = {
            k: {"connu": known[k], "saisi": typed[k]}
            for k in typed
            if typed[k] and known[k] != typed[k]
        }
        return patient, (differing or None)
    patient = Patient.objects.filter(**traits).order_by("pk").first()
    if patient is None:
        patient = Patient.objects.create(**traits, **extra)
    return patient, None


def _store_files(
    *, referral: Referral, files: list[CheckedFile], by, message=None, is_report: bool = False
) -> list[Attachment]:
    stored = []
    for checked in files:
        attachment = Attachment(
            referral=referral,
            message=message,
            uploaded_by=by,
            is_report=is_report,
        )
        attachment.keep(checked)
        attachment.save()
        stored.append(attachment)
    return stored


def _referral_input_check(data: ReferralInput) -> None:
    """The identity and text rules of ess.validators, for callers that did not go through the
    web form or the API serializer (which check the same rules field by field). Normalises the
    phone number and birth place in place; raises ValidationError keyed by field."""
    patient = data.patient
    errors: dict[str, list[str]] = {}

    def check(field, fn, value):
        try:
            return fn(value)
        except ValidationError as exc:
            errors.setdefault(field, []).extend(exc.messages)
            return value

    check("birth_date", validate_birth_date, patient.birth_date)
    patient.birth_place_code = check(
        "birth_place_code", normalize_birth_place_code, patient.birth_place_code
    )
    patient.phone = check("phone", normalize_phone, patient.phone)
    check("question", validate_long_text, data.question)
    check("context", validate_long_text, data.context)
    if patient.ins and not errors:
        try:
            validate_nir_traits(
                normalize_nir(patient.ins),
                sex=patient.sex,
                birth_date=patient.birth_date,
                birth_place_code=patient.birth_place_code,
            )
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def referral_submit(*, by, data: ReferralInput, idempotency_key: str = "") -> tuple[Referral, bool]:
    """A requester submits a referral. Returns (referral, created).

    Raises PermissionDenied (not a requester), ValidationError (identity traits, phone, text
    length, files, consent) before anything is written, IdempotencyConflict (same key,
    different request). A retry with the same key returns the first referral with created=False.
    """
    if not perms.can_submit_referral(by):
        raise PermissionDenied
    if not data.consent:
        raise ValidationError({"consent": _("Le consentement du patient au partage est requis.")})
    if data.urgency not in Priority.values:
        raise ValidationError({"urgency": _("Urgence inconnue.")})
    _referral_input_check(data)
    checked = check_uploads(data.files)
    fingerprint = _fingerprint(data)
    with transaction.atomic():
        if idempotency_key:
            existing = (
                IdempotencyKey.objects.select_related("referral")
                .filter(user=by, key=idempotency_key)
                .first()
            )
            if existing:
                if existing.fingerprint != fingerprint:
                    raise IdempotencyConflict(
                        _("Cette clé d'idempotence a déjà servi pour une autre demande.")
                    )
                return existing.referral, False
        patient, conflict = _patient_resolve(data.patient)
        now = timezone.now()
        referral = Referral.objects.create(
            reference=next_reference(now),
            patient=patient,
            requester=by,
            requester_organisation=by.organisation,
            specialty=data.specialty,
            question=data.question.strip(),
            context=data.context.strip(),
            urgency_requested=data.urgency,
            preferred_response=data.preferred_response,
            consent=True,
            callback_availability=data.callback_availability.strip(),
            referring_gp_name=data.referring_gp_name.strip(),
            referring_gp=data.referring_gp,
            identity_conflict=conflict,
            submitted_at=now,
        )
        ReferralEvent.objects.create(
            referral=referral, actor=by, to_status=Status.SUBMITTED, at=now
        )
        if conflict:
            ReferralEvent.objects.create(
                referral=referral,
                actor=by,
                kind=EventKind.IDENTITY,
                internal=True,
                at=now,
                note=_("Traits d'identité différents de ceux connus pour cet INS : à vérifier."),
            )
        _store_files(referral=referral, files=checked, by=by)
        referral_notify(referral, Kind.REFERRAL_NEW, actor=by)
        if idempotency_key:
            try:
                with transaction.atomic():
                    IdempotencyKey.objects.create(
                        user=by, key=idempotency_key, fingerprint=fingerprint, referral=referral
                    )
            except IntegrityError:
                # A concurrent retry won the race: undo ours, answer with theirs.
                transaction.set_rollback(True)
                winner = IdempotencyKey.objects.select_related("referral").get(
                    user=by, key=idempotency_key
                )
                if winner.fingerprint != fingerprint:
                    raise IdempotencyConflict(
                        _("Cette clé d'idempotence a déjà servi pour une autre demande.")
                    ) from None
                return winner.referral, False
    return referral, True


# ---------------------------------------------------------------------------------------------
# Lifecycle
# ---------------------------------------------------------------------------------------------
ACTION_LABELS = {
    Status.SUBMITTED: gettext_lazy("compléter"),
    Status.INFO_REQUESTED: gettext_lazy("demander un complément"),
    Status.TRIAGED: gettext_lazy("réguler"),
    Status.ACCEPTED: gettext_lazy("prendre en charge"),
    Status.SCHEDULED: gettext_lazy("fixer un rendez-vous"),
    Status.COMPLETED: gettext_lazy("clore avec une réponse"),
    Status.REORIENTED: gettext_lazy("réorienter"),
    Status.CANCELLED: gettext_lazy("annuler"),
}


def _locked(referral_id: int) -> Referral:
    return Referral.objects.select_for_update().get(pk=referral_id)


def _refuse(referral: Referral, to: str) -> TransitionNotAllowed:
    return TransitionNotAllowed(
        _(
            "Action impossible : la demande %(ref)s est « %(status)s », on ne peut plus la "
            "%(action)s."
        )
        % {
            "ref": referral.reference,
            "status": referral.get_status_display(),
            "action": ACTION_LABELS[to],
        }
    )


def _transition(
    referral: Referral,
    *,
    to: str,
    by,
    note: str = "",
    kind=EventKind.TRANSITION,
    internal: bool = False,
    at: datetime | None = None,
) -> ReferralEvent:
    if not referral.can_become(to):
        raise _refuse(referral, to)
    event = ReferralEvent.objects.create(
        referral=referral,
        actor=by,
        kind=kind,
        from_status=referral.status,
        to_status=to,
        note=note,
        internal=internal,
        at=at or timezone.now(),
    )
    referral.status = to
    return event


def _release_slot(referral: Referral) -> None:
    """The specialist's slot (or the advanced-consultation place) booked for this case is free
    for another patient. Called inside a transition that holds the referral's row lock, so the
    slot or session is locked second (lock order: scheduling/services/__init__.py)."""
    scheduling.booking_release_for_referral(referral_id=referral.pk)
    if scheduling.appointment_release_for_referral(referral_id=referral.pk):
        referral.appointment_at = None
        referral.appointment_location = ""
        Referral.objects.filter(pk=referral.pk).update(appointment_at=None, appointment_location="")


def _close(referral: Referral, *, reason: str, fields=()) -> None:
    """Save a referral that leaves the ESS's hands (reoriented, cancelled): why, when, no offer,
    no slot held."""
    _release_slot(referral)
    referral.closing_reason = reason
    referral.closed_at = timezone.now()
    referral.offered_to = None
    referral.offered_to_pool = False
    referral.save(
        update_fields=[
            "status",
            "closing_reason",
            "closed_at",
            "offered_to",
            "offered_to_pool",
            "updated_at",
            *fields,
        ]
    )


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


@transaction.atomic
def referral_triage(
    *,
    referral_id: int,
    by,
    priority: str,
    response_mode: str,
    specialist=None,
    note: str = "",
    expected_version: datetime | None = None,
) -> Referral:
    """The coordinator sets priority, response mode and who takes it (a named specialist, or
    the specialty pool). Also used to re-assign a triaged case. Due time = submission + delay.

    `expected_version` (the referral's updated_at when the form was shown) refuses a stale form:
    another coordinator changed the referral meanwhile (TransitionNotAllowed)."""
    referral = _locked(referral_id)
    _require(perms.can_triage_referral(by, referral))
    if expected_version is not None and referral.updated_at != expected_version:
        raise TransitionNotAllowed(
            _(
                "La demande %(ref)s a été modifiée entre-temps (%(status)s) : vérifiez-la avant de "
                "la réguler."
            )
            % {"ref": referral.reference, "status": referral.get_status_display()}
        )
    if priority not in Priority.values:
        raise ValidationError({"priority": _("Priorité inconnue.")})
    if response_mode not in ResponseMode.values:
        raise ValidationError({"response_mode": _("Mode de réponse inconnu.")})
    if specialist is not None and (
        Role.SPECIALIST not in specialist.roles
        or specialist.specialty_id != referral.specialty_id
        or not specialist.is_active
    ):
        raise ValidationError(
            {"specialist": _("Ce spécialiste n'exerce pas la spécialité demandée.")}
        )
    if referral.status not in (Status.SUBMITTED, Status.TRIAGED):
        raise _refuse(referral, Status.TRIAGED)
    _transition(referral, to=Status.TRIAGED, by=by, note=note)
    now = timezone.now()
    referral.priority = priority
    referral.response_mode = response_mode
    referral.due_at, referral.escalate_at = due_times(referral.submitted_at, priority)
    referral.escalation_level = 0
    referral.offered_to = specialist
    referral.offered_to_pool = specialist is None
    referral.triaged_at = referral.triaged_at or now
    referral.info_received_at = None
    referral.last_declined_at = None
    referral.save(
        update_fields=[
            "status",
            "priority",
            "response_mode",
            "due_at",
            "escalate_at",
            "escalation_level",
            "offered_to",
            "offered_to_pool",
            "triaged_at",
            "info_received_at",
            "last_declined_at",
            "updated_at",
        ]
    )
    referral_notify(
        referral,
        Kind.REFERRAL_ASSIGNED if specialist else Kind.REFERRAL_OFFERED,
        actor=by,
    )
    return referral


@transaction.atomic
def referral_accept(*, referral_id: int, by) -> Referral:
    """The offered specialist (or one of the pool) takes the case. Exactly one wins a race:
    the others (the case was offered to them too) get TransitionNotAllowed("déjà prise en
    charge par un confrère"); anyone else gets PermissionDenied."""
    referral = _locked(referral_id)
    _require(
        perms.can_accept_referral(by, referral) or perms.was_offered_before_taken(by, referral)
    )
    if referral.status in (Status.ACCEPTED, Status.SCHEDULED) and referral.specialist_id == by.pk:
        return referral  # retried request
    if referral.status in TAKEN_STATUSES and referral.specialist_id != by.pk:
        raise TransitionNotAllowed(
            _("Cette demande a déjà été prise en charge par un confrère : %(who)s.")
            % {"who": referral.specialist.display_name}
        )
    _transition(referral, to=Status.ACCEPTED, by=by)
    referral.specialist = by
    referral.accepted_at = timezone.now()
    # Accepting clears the offer: a peer who lost the race no longer passes can_accept, and
    # is recognised through the offer kept here.
    referral.taken_from_offer_to = referral.offered_to
    referral.taken_from_pool = referral.offered_to_pool
    referral.offered_to = None
    referral.offered_to_pool = False
    referral.save(
        update_fields=[
            "status",
            "specialist",
            "accepted_at",
            "taken_from_offer_to",
            "taken_from_pool",
            "offered_to",
            "offered_to_pool",
            "updated_at",
        ]
    )
    referral_notify(referral, Kind.REFERRAL_ACCEPTED, actor=by)
    return referral


@transaction.atomic
def referral_decline(*, referral_id: int, by, reason: str) -> Referral:
    """The specialist declines (reason required): the case goes back to the coordinator's queue."""
    referral = _locked(referral_id)
    _require(perms.can_decline_referral(by, referral))
    if not reason.strip():
        raise ValidationError({"reason": _("Indiquez le motif du refus.")})
    if referral.status in (Status.ACCEPTED, Status.SCHEDULED) and referral.specialist_id != by.pk:
        raise _refuse(referral, Status.TRIAGED)
    if referral.status not in (Status.TRIAGED, Status.ACCEPTED, Status.SCHEDULED):
        raise TransitionNotAllowed(
            _(
                "Action impossible : la demande %(ref)s est « %(status)s », elle ne peut plus être "
                "refusée."
            )
            % {"ref": referral.reference, "status": referral.get_status_display()}
        )
    _transition(
        referral,
        to=Status.TRIAGED,
        by=by,
        note=reason.strip(),
        kind=EventKind.DECLINE,
        internal=True,
    )
    _release_slot(referral)
    referral.offered_to = None
    referral.offered_to_pool = False
    referral.specialist = None
    referral.accepted_at = None
    referral.last_declined_at = timezone.now()
    referral.save(
        update_fields=[
            "status",
            "offered_to",
            "offered_to_pool",
            "specialist",
            "accepted_at",
            "last_declined_at",
            "updated_at",
        ]
    )
    referral_notify(referral, Kind.REFERRAL_DECLINED, actor=by)
    return referral


@transaction.atomic
def referral_schedule(*, referral_id: int, by, starts_at: datetime, location: str) -> Referral:
    """The specialist holding the case sets (or moves) the appointment."""
    referral = _locked(referral_id)
    _require(perms.can_schedule_referral(by, referral))
    if not location.strip():
        raise ValidationError({"location": _("Indiquez le lieu ou « téléconsultation ».")})
    if (
        referral.status == Status.SCHEDULED
        and referral.appointment_at == starts_at
        and (referral.appointment_location == location.strip())
    ):
        return referral
    note = _("Rendez-vous le %(when)s — %(where)s") % {
        "when": timezone.localtime(starts_at).strftime("%d/%m/%Y %H:%M"),
        "where": location.strip(),
    }
    _transition(referral, to=Status.SCHEDULED, by=by, note=note)
    referral.appointment_at = starts_at
    referral.appointment_location = location.strip()
    referral.save(update_fields=["status", "appointment_at", "appointment_location", "updated_at"])
    referral_notify(referral, Kind.REFERRAL_SCHEDULED, actor=by)
    return referral


@transaction.atomic
def referral_complete(
    *,
    referral_id: int,
    by,
    answer: str,
    recommended_actions: str = "",
    consultation_needed: bool = False,
    report_files=(),
) -> Referral:
    """The specialist answers. A télé-expertise answer closes the case (and records the act for
    billing), unless it says a consultation is needed: then the answer is kept and the case stays
    with the specialist for scheduling, without the requester submitting again."""
    checked = check_uploads(report_files) if report_files else []
    referral = _locked(referral_id)
    _require(perms.can_complete_referral(by, referral))
    if referral.status == Status.COMPLETED:
        return referral
    if not answer.strip() and not checked:
        raise ValidationError({"answer": _("Rédigez la réponse ou joignez le compte rendu.")})
    if not referral.can_become(Status.COMPLETED):
        raise _refuse(referral, Status.COMPLETED)
    now = timezone.now()
    referral.answer = answer.strip()
    referral.recommended_actions = recommended_actions.strip()
    referral.consultation_needed = consultation_needed
    is_teleexpertise = referral.response_mode in TELEEXPERTISE_MODES
    if is_teleexpertise and referral.status == Status.ACCEPTED:
        codes = settings.ESS_TELEEXPERTISE_CODES
        TeleexpertiseAct.objects.get_or_create(
            referral=referral,
            defaults={
                "requesting": referral.requester,
                "answering": by,
                "performed_on": timezone.localdate(now),
                "requesting_code": codes["requesting"],
                "answering_code": codes["answering"],
            },
        )
    _store_files(referral=referral, files=checked, by=by, is_report=True)
    referral.answered_at = referral.answered_at or now
    if consultation_needed and referral.status == Status.ACCEPTED:
        # Not a change of status: the opinion is given, the case stays for scheduling.
        ReferralEvent.objects.create(
            referral=referral,
            actor=by,
            kind=EventKind.ANSWER,
            at=now,
            note=_("Avis rendu : une consultation est nécessaire, rendez-vous à fixer."),
        )
        referral.save(
            update_fields=[
                "answer",
                "recommended_actions",
                "consultation_needed",
                "answered_at",
                "updated_at",
            ]
        )
        referral_notify(referral, Kind.REFERRAL_ANSWERED, actor=by)
        return referral
    _transition(referral, to=Status.COMPLETED, by=by, at=now)
    referral.completed_at = now
    referral.closed_at = now
    referral.save(
        update_fields=[
            "status",
            "answer",
            "recommended_actions",
            "consultation_needed",
            "answered_at",
            "completed_at",
            "closed_at",
            "updated_at",
        ]
    )
    referral_notify(referral, Kind.REFERRAL_COMPLETED, actor=by)
    return referral


@transaction.atomic
def referral_request_info(*, referral_id: int, by, question: str) -> Referral:
    """The coordinator asks the requester for more; the question is posted in the thread."""
    referral = _locked(referral_id)
    _require(perms.can_request_info(by, referral))
    if not question.strip():
        raise ValidationError({"question": _("Précisez ce qui manque.")})
    if referral.status == Status.INFO_REQUESTED:
        return referral
    _transition(referral, to=Status.INFO_REQUESTED, by=by, note=question.strip())
    Message.objects.create(referral=referral, author=by, body=question.strip())
    referral.save(update_fields=["status", "updated_at"])
    referral_notify(referral, Kind.REFERRAL_INFO_REQUESTED, actor=by)
    return referral


@transaction.atomic
def referral_provide_info(*, referral_id: int, by, answer: str, files=()) -> Referral:
    """The requester answers an information request: the referral is back in the queue."""
    checked = check_uploads(files, already_stored=_stored_bytes(referral_id)) if files else []
    referral = _locked(referral_id)
    _require(perms.can_provide_info(by, referral))
    if not answer.strip() and not checked:
        raise ValidationError({"answer": _("Répondez à la question ou joignez un document.")})
    if referral.status != Status.INFO_REQUESTED:
        raise _refuse(referral, Status.SUBMITTED)
    _transition(referral, to=Status.SUBMITTED, by=by, note=_("Complément apporté"))
    message = Message.objects.create(
        referral=referral, author=by, body=answer.strip() or _("Document joint.")
    )
    _store_files(referral=referral, files=checked, by=by, message=message)
    referral.info_received_at = timezone.now()
    referral.save(update_fields=["status", "info_received_at", "updated_at"])
    referral_notify(referral, Kind.REFERRAL_INFO_RECEIVED, actor=by)
    return referral


@transaction.atomic
def referral_reorient(*, referral_id: int, by, target: str, reason: str) -> Referral:
    """Sent outside the ESS (hospital, another team), with where and why."""
    referral = _locked(referral_id)
    _require(perms.can_reorient_referral(by, referral))
    if not target.strip() or not reason.strip():
        raise ValidationError(
            {"target": _("Indiquez vers qui et pourquoi la demande est réorientée.")}
        )
    if referral.status == Status.REORIENTED:
        return referral
    _transition(referral, to=Status.REORIENTED, by=by, note=f"{target.strip()} — {reason.strip()}")
    referral.reorient_target = target.strip()
    _close(referral, reason=reason.strip(), fields=["reorient_target"])
    referral_notify(referral, Kind.REFERRAL_REORIENTED, actor=by)
    return referral


@transaction.atomic
def referral_cancel(*, referral_id: int, by, reason: str) -> Referral:
    """The requester withdraws a referral not yet accepted by a specialist (reason required)."""
    referral = _locked(referral_id)
    _require(perms.can_cancel_referral(by, referral))
    if not reason.strip():
        raise ValidationError({"reason": _("Indiquez le motif de l'annulation.")})
    if referral.status == Status.CANCELLED:
        return referral
    _transition(referral, to=Status.CANCELLED, by=by, note=reason.strip())
    # Told before the offer is cleared: the specialist it was offered to hears of it too.
    referral_notify(referral, Kind.REFERRAL_CANCELLED, actor=by)
    _close(referral, reason=reason.strip())
    return referral


@transaction.atomic
def referral_add_note(*, referral_id: int, by, note: str) -> ReferralEvent:
    """An internal note: ESS team only, never shown to the requester."""
    referral = _locked(referral_id)
    _require(perms.can_add_internal_note(by, referral))
    if not note.strip():
        raise ValidationError({"note": _("La note est vide.")})
    return ReferralEvent.objects.create(
        referral=referral, actor=by, kind=EventKind.NOTE, note=note.strip(), internal=True
    )


@transaction.atomic
def patient_identity_validate(*, referral_id: int, by, document: str) -> Patient:
    """A staff member records that the patient's identity was checked against an identity
    document: our status becomes "validée" (identitovigilance). Repeating it changes nothing."""
    referral = _locked(referral_id)
    _require(perms.can_check_identity(by, referral))
    if document not in IdentityDocument.values:
        raise ValidationError({"document": _("Choisissez la pièce d'identité vérifiée.")})
    patient = Patient.objects.select_for_update().get(pk=referral.patient_id)
    if patient.identity_status in (IdentityStatus.VALIDATED, IdentityStatus.QUALIFIED):
        return patient
    patient.identity_status = IdentityStatus.VALIDATED
    patient.identity_document = document
    patient.identity_checked_by = by
    patient.identity_checked_at = timezone.now()
    patient.save(
        update_fields=[
            "identity_status",
            "identity_document",
            "identity_checked_by",
            "identity_checked_at",
        ]
    )
    ReferralEvent.objects.create(
        referral=referral,
        actor=by,
        kind=EventKind.IDENTITY,
        internal=True,
        note=_("Identité vérifiée sur %(doc)s.") % {"doc": IdentityDocument(document).label},
    )
    return patient


@transaction.atomic
def referral_feedback(*, referral_id: int, by, useful: bool, avoided_visit: bool) -> Referral:
    """Close-out feedback from the requester on a completed case (feeds the indicators)."""
    referral = _locked(referral_id)
    _require(perms.can_give_feedback(by, referral))
    if referral.status != Status.COMPLETED:
        raise TransitionNotAllowed(_("Le retour se donne une fois la demande terminée."))
    referral.feedback_useful = useful
    referral.feedback_avoided_visit = avoided_visit
    referral.save(update_fields=["feedback_useful", "feedback_avoided_visit", "updated_at"])
    return referral


def _stored_bytes(referral_id: int) -> int:
    from django.db.models import Sum

    return Attachment.objects.filter(referral_id=referral_id).aggregate(t=Sum("size"))["t"] or 0


def message_post(*, referral_id: int, by, body: str, files=()) -> Message:
    """A message in the referral's thread (requester ↔ coordination ↔ specialist)."""
    checked = check_uploads(files, already_stored=_stored_bytes(referral_id)) if files else []
    with transaction.atomic():
        referral = _locked(referral_id)
        _require(perms.can_post_message(by, referral))
        if not body.strip() and not checked:
            raise ValidationError({"body": _("Le message est vide.")})
        if not referral.is_open:
            raise TransitionNotAllowed(
                _("La demande %(ref)s est close : écrivez une nouvelle demande si besoin.")
                % {"ref": referral.reference}
            )
        message = Message.objects.create(
            referral=referral, author=by, body=body.strip() or _("Document joint.")
        )
        _store_files(referral=referral, files=checked, by=by, message=message)
        Referral.objects.filter(pk=referral.pk).update(updated_at=timezone.now())
        message_notify(message)
    return message


def attachment_add(*, referral_id: int, by, files) -> list[Attachment]:
    """Add documents to a referral (outside a message)."""
    checked = check_uploads(files, already_stored=_stored_bytes(referral_id))
    with transaction.atomic():
        referral = _locked(referral_id)
        _require(perms.can_post_message(by, referral))
        if not referral.is_open:
            raise TransitionNotAllowed(
                _("La demande %(ref)s est close : on ne peut plus y joindre de document.")
                % {"ref": referral.reference}
            )
        return _store_files(referral=referral, files=checked, by=by)


def referrals_escalate(*, now=None) -> int:
    """SLA escalation (Celery beat, every 10 minutes): referrals still waiting for their answer
    at 75 % of their due time, then past it, are escalated to coordinators once per threshold.

    Each threshold is claimed by a conditional UPDATE (escalation_level below it), so overlapping
    runs never escalate twice. Returns the number of escalations."""
    now = now or timezone.now()
    done = 0
    for level, kind, reached in (
        (75, Kind.SLA_NEARING, nearing_deadline(now)),
        (100, Kind.SLA_OVERDUE, WAITING & Q(due_at__lte=now)),
    ):
        candidates = Referral.objects.filter(reached, escalation_level__lt=level)
        for referral in candidates.select_related("requester").order_by("due_at")[:500]:
            with transaction.atomic():
                claimed = Referral.objects.filter(
                    pk=referral.pk, escalation_level__lt=level
                ).update(escalation_level=level)
                if claimed:
                    referral_notify(referral, kind, dedupe_key=f"sla{level}:{referral.pk}")
                    done += 1
    return done
