"""Requests from professionals without an account: sent from the public form and held until the
emailed link is followed, or recorded by the coordination after a phone call, a fax or a letter.

The sender is identified by the national directory (RPPS) and an email address, kept in a
`RequesterContact` whose stand-in user is the referrals' requester (it cannot sign in). When the
professional opens an account later, `claims.attach_unclaimed_requests` moves the requests to it.
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ess.models import NotificationKind as Kind
from ess.permissions import require
from members.models import DirectoryEntry, Profession, User
from members.selectors import directory_entry_for_rpps
from referrals import emails
from referrals import permissions as perms
from referrals.deadlines import due_times
from referrals.models import (
    RECORDED_CHANNELS,
    Attachment,
    Channel,
    Patient,
    Referral,
    RequesterContact,
    Status,
)
from referrals.notifications import referral_notify
from referrals.services.claims import attach_unclaimed_requests, referrals_move_to
from referrals.services.common import _transition
from referrals.services.intake import (
    ReferralInput,
    referral_create,
    referral_created_once,
    referral_input_check,
)

_CONFIRM_SALT = "referrals.without_account.confirm"
# Directory profession code of physicians ("Code profession" 10).
_PHYSICIAN_CODE = "10"
# The stand-in's own address: RFC 2606's reserved domain, never delivered.
_STAND_IN_DOMAIN = "contacts.invalid"


def _confirmation_delay() -> timedelta:
    return timedelta(hours=settings.ESS_UNCONFIRMED_REFERRAL_HOURS)


def directory_professional(rpps: str) -> DirectoryEntry:
    """The practising professional with this RPPS number, from the national directory.
    Raises ValidationError on "rpps" when the directory does not list them."""
    entry = directory_entry_for_rpps(rpps) if rpps.strip() else None
    if entry is None:
        raise ValidationError(
            {
                "rpps": _(
                    "Ce numéro RPPS ne figure pas dans l'annuaire national des professionnels "
                    "de santé en exercice : vérifiez-le, ou appelez la coordination de l'ESS."
                )
            }
        )
    return entry


def _contact_for(*, entry: DirectoryEntry, email: str, phone: str = "", by=None):
    """The unclaimed contact of this professional at this address (created with its stand-in
    user the first time)."""
    email = email.strip().lower()
    found = RequesterContact.objects.select_related("stand_in").filter(
        rpps=entry.identifier, email=email, claimed_at=None
    )
    if contact := found.first():
        return contact
    stand_in = User.objects.create_user(
        email=f"sans-compte-{uuid.uuid4().hex}@{_STAND_IN_DOMAIN}",
        first_name=entry.first_name.title(),
        last_name=entry.last_name.upper(),
        profession=Profession.PHYSICIAN
        if entry.profession_code == _PHYSICIAN_CODE
        else Profession.OTHER,
        phone=phone.strip(),
        is_active=False,
    )
    try:
        with transaction.atomic():
            return RequesterContact.objects.create(
                stand_in=stand_in, rpps=entry.identifier, email=email, phone=phone, created_by=by
            )
    except IntegrityError:  # the same professional and address, at the same moment
        return found.get()


def confirmation_token(referral: Referral) -> str:
    return signing.dumps(str(referral.public_id), salt=_CONFIRM_SALT)


def referral_submit_without_account(
    *, rpps: str, email: str, data: ReferralInput, submission_key: str = ""
) -> Referral:
    """A professional without an account sends a request from the public form. It is held
    "à confirmer" (seen by nobody) and a link is emailed to `email`. The same form sent twice
    (same `submission_key`) makes one request and one email.

    Raises ValidationError before anything is written: RPPS unknown to the directory, or the
    checks of any submission (identity, text, consent, files and antivirus);
    IdempotencyConflict (the key already sent other data). After commit: the confirmation email."""
    entry = directory_professional(rpps)
    checked = referral_input_check(data)
    with transaction.atomic():
        contact = _contact_for(entry=entry, email=email)

        def create():
            referral = referral_create(
                requester=contact.stand_in,
                data=data,
                checked_files=checked,
                actor=contact.stand_in,
                channel=Channel.WEB_NO_ACCOUNT,
                status=Status.AWAITING_CONFIRMATION,
            )
            emails.confirmation_email(
                to=contact.email, referral=referral, token=confirmation_token(referral)
            )
            return referral

        referral, _created = referral_created_once(
            by=contact.stand_in, key=submission_key, data=data, create=create
        )
    return referral


def referral_from_confirmation_token(token: str) -> Referral | None:
    """The request a confirmation link points to (confirmed or not), or None: forged, expired,
    or purged meanwhile."""
    try:
        public_id = signing.loads(token, salt=_CONFIRM_SALT, max_age=_confirmation_delay())
    except signing.BadSignature:
        return None
    return (
        Referral.all_objects.select_related("specialty", "requester__requester_contact")
        .filter(public_id=public_id)
        .first()
    )


@transaction.atomic
def referral_confirm(*, token: str) -> Referral | None:
    """The sender followed the emailed link: the request enters the queue ("Reçue") as if just
    sent. Following the link again changes nothing. Returns None for a forged or expired link.
    After commit: coordinators are notified, the sender gets the acknowledgement; when the
    sender already has an account (same RPPS, address verified) the request moves to it."""
    found = referral_from_confirmation_token(token)
    if found is None:
        return None
    referral = Referral.all_objects.select_for_update().get(pk=found.pk)
    if referral.status != Status.AWAITING_CONFIRMATION:
        return referral  # already confirmed: a second click
    contact = RequesterContact.objects.select_for_update().get(stand_in_id=referral.requester_id)
    now = timezone.now()
    _transition(referral, to=Status.SUBMITTED, by=contact.stand_in, at=now)
    # The clock starts at confirmation: the request reaches the queue only then.
    referral.submitted_at = now
    referral.due_at, referral.escalate_at = due_times(now, referral.urgency_requested)
    referral.save(update_fields=["status", "submitted_at", "due_at", "escalate_at", "updated_at"])
    if contact.email_verified_at is None:
        contact.email_verified_at = now
        contact.save(update_fields=["email_verified_at"])
    referral_notify(referral, Kind.REFERRAL_NEW, actor=contact.stand_in)
    emails.acknowledgement_email(to=contact.email, referral=referral)
    if contact.claimed_by_id:
        referrals_move_to(contact=contact, user=contact.claimed_by, referral_ids=[referral.pk])
    else:
        for user in User.objects.filter(rpps=contact.rpps, is_active=True):
            attach_unclaimed_requests(user)
    referral.refresh_from_db()
    return referral


def referral_record_for_caller(
    *,
    by,
    channel: str,
    data: ReferralInput,
    caller=None,
    rpps: str = "",
    email: str = "",
    phone: str = "",
    submission_key: str = "",
) -> Referral:
    """A coordinator records a request received by phone, fax or mail, on behalf of `caller`
    (a requester with an account) or of a professional identified by `rpps` and `email` (an
    unclaimed contact, attached to their account later).

    Raises PermissionDenied (not a coordinator), ValidationError before anything is written
    (channel, caller, RPPS unknown to the directory, the checks of any submission),
    IdempotencyConflict. The same form sent twice (same `submission_key`) records one request.
    After commit: other coordinators are notified, the caller gets the acknowledgement."""
    require(perms.can_record_referral(by))
    if channel not in RECORDED_CHANNELS:
        raise ValidationError({"channel": _("Canal de réception inconnu.")})
    entry = None
    if caller is None:
        entry = directory_professional(rpps)
        if not email.strip():
            raise ValidationError(
                {"email": _("L'adresse électronique du demandeur est requise pour lui répondre.")}
            )
    elif not (caller.is_active and perms.can_submit_referral(caller)):
        raise ValidationError({"caller": _("Ce professionnel ne peut pas envoyer de demande.")})
    checked = referral_input_check(data)
    with transaction.atomic():
        if entry is not None:
            contact = _contact_for(entry=entry, email=email, phone=phone, by=by)
            requester, to = contact.stand_in, contact.email
        else:
            requester, to = caller, caller.email

        def create():
            referral = referral_create(
                requester=requester,
                data=data,
                checked_files=checked,
                actor=by,
                channel=channel,
                recorded_by=by,
            )
            emails.acknowledgement_email(to=to, referral=referral)
            return referral

        referral, _created = referral_created_once(
            by=by, key=submission_key, data=data, create=create
        )
    return referral


def referrals_purge_unconfirmed(*, now=None) -> int:
    """Delete the requests whose confirmation link expired unfollowed, their files, and the
    patient and contact rows they alone used. Idempotent (a second run finds nothing)."""
    cutoff = (now or timezone.now()) - _confirmation_delay()
    purged = 0
    stale = Referral.all_objects.filter(
        status=Status.AWAITING_CONFIRMATION, submitted_at__lt=cutoff
    ).values_list("pk", flat=True)
    for pk in list(stale):
        with transaction.atomic():
            referral = (
                Referral.all_objects.select_for_update(skip_locked=True)
                .filter(pk=pk, status=Status.AWAITING_CONFIRMATION)
                .first()
            )
            if referral is None:  # confirmed or purged meanwhile
                continue
            files = [a.file for a in Attachment.objects.filter(referral=referral)]
            patient_id, stand_in_id = referral.patient_id, referral.requester_id
            referral.delete()
            if not Referral.all_objects.filter(patient_id=patient_id).exists():
                Patient.objects.filter(pk=patient_id).delete()
            if not Referral.all_objects.filter(requester_id=stand_in_id).exists():
                RequesterContact.objects.filter(
                    stand_in_id=stand_in_id, email_verified_at=None, claimed_at=None
                ).delete()
                User.objects.filter(
                    pk=stand_in_id, is_active=False, requester_contact__isnull=True
                ).delete()
            transaction.on_commit(lambda files=files: [f.delete(save=False) for f in files])
            purged += 1
    return purged


def referral_submit_for_platform(
    *,
    account,
    key: str,
    data: ReferralInput,
    requester=None,
    rpps: str = "",
    email: str = "",
    phone: str = "",
    on_created=None,
) -> tuple[Referral, bool]:
    """A registered platform (its service `account`) sends a request on behalf of a professional:
    `requester`, a requester with an account, or the professional identified by `rpps` and
    `email` (an unclaimed contact, attached to their account when they open one). The request
    enters the queue at once: the platform authenticated its user.

    Every check of any submission, before anything is written; one request per `key` for this
    account (a resent request returns the first, created=False; other data under the same key:
    IdempotencyConflict). `on_created(referral)` runs inside the transaction, once. After
    commit: coordinators are notified, the professional gets the acknowledgement."""
    entry = None
    if requester is None:
        entry = directory_professional(rpps)
        if not email.strip():
            raise ValidationError(
                {"email": _("L'adresse électronique du demandeur est requise pour lui répondre.")}
            )
    elif not (requester.is_active and perms.can_submit_referral(requester)):
        raise ValidationError({"caller": _("Ce professionnel ne peut pas envoyer de demande.")})
    checked = referral_input_check(data)
    with transaction.atomic():

        def create():
            if entry is not None:
                contact = _contact_for(entry=entry, email=email, phone=phone, by=account)
                sender, to = contact.stand_in, contact.email
            else:
                sender, to = requester, requester.email
            referral = referral_create(
                requester=sender,
                data=data,
                checked_files=checked,
                actor=sender,
                channel=Channel.PLATFORM,
            )
            if on_created is not None:
                on_created(referral)
            emails.acknowledgement_email(to=to, referral=referral)
            return referral

        return referral_created_once(by=account, key=key, data=data, create=create)
