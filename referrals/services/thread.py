"""Around the lifecycle: messages, attachments, internal notes, identity checks."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ess.errors import TransitionNotAllowed
from ess.text import required_text
from ess.uploads import check_uploads
from referrals import permissions as perms
from referrals.models import (
    Attachment,
    EventKind,
    IdentityDocument,
    IdentityStatus,
    Message,
    Patient,
    Referral,
    ReferralEvent,
)
from referrals.notifications import message_notify
from referrals.services.common import (
    _locked,
    _locked_for,
    _store_files,
    _stored_bytes,
)


@transaction.atomic
def referral_add_note(*, referral_id: int, by, note: str) -> ReferralEvent:
    """An internal note: ESS team only, never shown to the requester."""
    referral = _locked_for(referral_id, by, perms.can_add_internal_note)
    note = required_text(note, "note", _("La note est vide."))
    return ReferralEvent.objects.create(
        referral=referral, actor=by, kind=EventKind.NOTE, note=note, internal=True
    )


@transaction.atomic
def referral_meeting_decision_record(*, referral_id: int, by, text: str) -> ReferralEvent:
    """A case meeting's (télé-RCP) decision on this referral, written into its timeline where
    the requester reads it too, whatever the referral's status (a closed case may be
    discussed). The meetings service checked its own actor (who records the meeting's
    decisions) and that the case was put on the agenda by someone who sees it; this writes the
    line only."""
    referral = _locked(referral_id)
    text = required_text(text, "text", _("Écrivez la décision."))
    return ReferralEvent.objects.create(
        referral=referral, actor=by, kind=EventKind.RCP_DECISION, note=text, internal=False
    )


@transaction.atomic
def patient_identity_validate(*, referral_id: int, by, document: str) -> Patient:
    """A staff member records that the patient's identity was checked against an identity
    document: our status becomes "validée" (identitovigilance). Repeating it changes nothing."""
    referral = _locked_for(referral_id, by, perms.can_check_identity)
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


def message_post(*, referral_id: int, by, body: str, files=()) -> Message:
    """A message in the referral's thread (requester ↔ coordination ↔ specialist)."""
    checked = check_uploads(files, already_stored=_stored_bytes(referral_id)) if files else []
    with transaction.atomic():
        referral = _locked_for(referral_id, by, perms.can_post_message)
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
        referral = _locked_for(referral_id, by, perms.can_post_message)
        if not referral.is_open:
            raise TransitionNotAllowed(
                _("La demande %(ref)s est close : on ne peut plus y joindre de document.")
                % {"ref": referral.reference}
            )
        return _store_files(referral=referral, files=checked, by=by)
