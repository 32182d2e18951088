"""A requester submits a referral: the patient's identity (INS, strict traits), the checks,
the reference, the files, retries with an idempotency key.
"""

import hashlib
import json
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ess.db import insert_unless_conflict, rows_known
from ess.errors import IdempotencyConflict
from ess.models import Commune, Specialty
from ess.models import NotificationKind as Kind
from ess.uploads import check_uploads
from ess.validators import (
    identity_name,
    normalize_birth_place_code,
    normalize_nir,
    normalize_phone,
    validate_birth_date,
    validate_long_text,
    validate_nir_traits,
)
from referrals import permissions as perms
from referrals.deadlines import due_times
from referrals.models import (
    Channel,
    EventKind,
    IdempotencyKey,
    InsOid,
    Patient,
    Priority,
    Referral,
    ReferralEvent,
    Status,
)
from referrals.notifications import referral_notify_after_commit
from referrals.services.common import (
    _store_files,
)
from referrals.services.pending import pending_attachment_checked, pending_attachments_delete


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
    # Files kept from an earlier, refused attempt (referrals.models.PendingAttachment), checked
    # when they were kept.
    kept_files: list = field(default_factory=list)


def _fingerprint(data: ReferralInput) -> str:
    def default(value):
        if isinstance(value, date | datetime):
            return value.isoformat()
        if isinstance(value, Commune):
            return value.code
        if isinstance(value, Specialty):
            return value.code
        return str(value)

    files = [(f.name, f.size) for f in data.files]
    files += [(f.original_name, f.size) for f in data.kept_files]
    payload = asdict(replace(data, files=[], kept_files=[])) | {"files": files}
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
        "birth_name": identity_name(data.birth_name),
        "first_names": identity_name(data.first_names),
        "sex": data.sex,
        "birth_date": data.birth_date,
        "birth_place_code": data.birth_place_code.strip().upper(),
    }
    ins = normalize_nir(data.ins)
    extra = {
        "used_name": identity_name(data.used_name),
        "phone": data.phone.strip(),
        "commune": data.commune,
        "gp_name": data.gp_name.strip(),
    }
    if ins:
        oid = InsOid.NIA if ins[0] in "78" else InsOid.NIR
        patient = Patient(ins=ins, ins_oid=oid, **traits, **extra)
        if insert_unless_conflict(patient):  # a new INS (the usual case): one statement
            return patient, None
        patient = Patient.objects.get(ins=ins)  # known, or created by a concurrent submission
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


def referral_input_check(data: ReferralInput) -> list:
    """Every check of a submission that needs no database write: consent, urgency, identity and
    text rules, files (type, size, antivirus). Returns the checked files; raises ValidationError
    keyed by field."""
    if not data.consent:
        raise ValidationError({"consent": _("Le consentement du patient au partage est requis.")})
    if data.urgency not in Priority.values:
        raise ValidationError({"urgency": _("Urgence inconnue.")})
    _referral_input_check(data)
    kept = data.kept_files
    checked = check_uploads(data.files, already_stored=sum(f.size for f in kept))
    return checked + [pending_attachment_checked(f) for f in kept]


def referral_create(
    *,
    requester,
    data: ReferralInput,
    checked_files: list,
    actor,
    channel: str = Channel.WEB,
    status: str = Status.SUBMITTED,
    recorded_by=None,
    note: str = "",
    triaged_by_platform: bool = False,
) -> Referral:
    """Write a checked submission (inside the caller's transaction): the patient, the referral
    in `status`, its first history row (with `note`), its files. Coordinators are told only of
    a referral that enters the queue (`submitted`), by a worker after commit; one awaiting
    confirmation is told of when confirmed.

    `triaged_by_platform` (an immediate opinion, which skips the coordinators' triage): the
    history says what happened in two rows, sent by `actor`, then triaged by no one (the
    platform, without an actor) with `note`."""
    patient, conflict = _patient_resolve(data.patient)
    now = timezone.now()
    # The clock runs from the first minute: a provisional due time from the urgency asked for
    # (recomputed at confirmation for a request sent without an account, and at triage).
    due_at, escalate_at = due_times(now, data.urgency)
    referral = Referral.objects.create(
        reference=next_reference(now),
        patient=patient,
        requester=requester,
        requester_organisation_id=requester.organisation_id,
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
        channel=channel,
        recorded_by=recorded_by,
        status=status,
        submitted_at=now,
        due_at=due_at,
        escalate_at=escalate_at,
    )
    if triaged_by_platform:
        events = [
            ReferralEvent.objects.create(
                referral=referral, actor=actor, to_status=Status.SUBMITTED, at=now
            ),
            ReferralEvent.objects.create(
                referral=referral,
                actor=None,
                from_status=Status.SUBMITTED,
                to_status=status,
                at=now,
                note=note,
            ),
        ]
    else:
        events = [
            ReferralEvent.objects.create(
                referral=referral, actor=actor, to_status=status, at=now, note=note
            )
        ]
    if conflict:
        events.append(
            ReferralEvent.objects.create(
                referral=referral,
                actor=actor,
                kind=EventKind.IDENTITY,
                internal=True,
                at=now,
                note=_("Traits d'identité différents de ceux connus pour cet INS : à vérifier."),
            )
        )
    stored = _store_files(referral=referral, files=checked_files, by=requester)
    pending_attachments_delete(data.kept_files)  # copied into the referral's attachments
    # Its history and files as just written: an answer built from the referral reads nothing back.
    rows_known(referral, "events", events)
    rows_known(referral, "attachments", stored)
    if status == Status.SUBMITTED:
        referral_notify_after_commit(referral, Kind.REFERRAL_NEW, actor=actor)
    return referral


def referral_submit(
    *, by, data: ReferralInput, idempotency_key: str = "", channel: str = Channel.WEB
) -> tuple[Referral, bool]:
    """A requester submits a referral (web form or API, as `channel` says). Returns
    (referral, created).

    `data.kept_files` (files kept from a refused attempt) are attached too, then deleted.
    Raises PermissionDenied (not a requester), ValidationError (identity traits, phone, text
    length, files, consent) before anything is written, IdempotencyConflict (same key,
    different request). A retry with the same key returns the first referral with created=False.
    """
    if not perms.can_submit_referral(by):
        raise PermissionDenied
    return referral_checked_and_created_once(
        by=by,
        key=idempotency_key,
        data=data,
        create=lambda checked: referral_create(
            requester=by, data=data, checked_files=checked, actor=by, channel=channel
        ),
    )


def referral_checked_and_created_once(
    *, by, key: str, data: ReferralInput, create
) -> tuple[Referral, bool]:
    """Every check of a submission (referral_input_check), then, in one transaction, the
    referral `create(checked_files)` makes, once per idempotency key (referral_created_once)."""
    checked = referral_input_check(data)
    with transaction.atomic():
        return referral_created_once(by=by, key=key, data=data, create=lambda: create(checked))


def referral_created_once(*, by, key: str, data: ReferralInput, create) -> tuple[Referral, bool]:
    """Inside a transaction: the referral an earlier submission with this key by `by` made
    (created=False), or the one `create()` makes now, remembered under the key (created=True;
    no key: always created). Raises IdempotencyConflict (same key, different request)."""
    if not key:
        return create(), True
    fingerprint = _fingerprint(data)
    # The referral itself is read only for a retry (its key found): a new key, the usual case,
    # costs a one-table lookup.
    existing = IdempotencyKey.objects.filter(user=by, key=key).first()
    if existing:
        if existing.fingerprint != fingerprint:
            raise IdempotencyConflict(
                _("Cette clé d'idempotence a déjà servi pour une autre demande.")
            )
        return existing.referral, False
    referral = create()
    remembered = IdempotencyKey(user=by, key=key, fingerprint=fingerprint, referral=referral)
    if not insert_unless_conflict(remembered):
        # A concurrent retry won the race: answer with theirs, undo ours.
        winner = IdempotencyKey.objects.select_related("referral").get(user=by, key=key)
        transaction.set_rollback(True)
        if winner.fingerprint != fingerprint:
            raise IdempotencyConflict(
                _("Cette clé d'idempotence a déjà servi pour une autre demande.")
            )
        return winner.referral, False
    return referral, True
