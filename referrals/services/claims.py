"""A professional who sent requests without an account (or whose requests the coordination
recorded by phone, fax or mail) opens an account: those requests become theirs.

The match is the RPPS number *and* an email address the account has verified: an RPPS number is
public, so a request sent by someone else with another address is never handed over. Called from
allauth's `user_signed_up` and `email_confirmed` signals and from members' `account_opened` hook
(referrals/apps.py); any other place that opens an account may call it directly.
"""

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from referrals.models import (
    Attachment,
    EventKind,
    Referral,
    ReferralEvent,
    RequesterContact,
    TeleexpertiseAct,
)


def referrals_move_to(*, contact: RequesterContact, user, referral_ids: list[int]) -> None:
    """Make `user` the requester of these referrals of `contact`'s stand-in (inside the
    caller's transaction), with an internal history line each."""
    stand_in = contact.stand_in_id
    Referral.all_objects.filter(pk__in=referral_ids, requester_id=stand_in).update(
        requester=user, requester_organisation=user.organisation
    )
    TeleexpertiseAct.objects.filter(referral_id__in=referral_ids, requesting_id=stand_in).update(
        requesting=user
    )
    Attachment.objects.filter(referral_id__in=referral_ids, uploaded_by_id=stand_in).update(
        uploaded_by=user
    )
    note = _("Demande rattachée au compte de %(name)s.") % {"name": user.display_name}
    ReferralEvent.objects.bulk_create(
        [
            ReferralEvent(referral_id=pk, actor=user, kind=EventKind.NOTE, internal=True, note=note)
            for pk in referral_ids
        ]
    )


@transaction.atomic
def attach_unclaimed_requests(user) -> int:
    """Attach to `user` the confirmed requests of every unclaimed contact with the user's RPPS
    and one of the user's verified addresses; the contacts are marked claimed by the user.
    Returns how many requests moved. Safe to call any number of times (nothing left to move)."""
    if not user or not user.pk or not user.is_active or not user.rpps:
        return 0
    verified = {
        address.lower()
        for address in EmailAddress.objects.filter(user=user, verified=True).values_list(
            "email", flat=True
        )
    }
    if not verified:
        return 0
    contacts = RequesterContact.objects.select_for_update().filter(
        rpps=user.rpps, email__in=verified, claimed_at=None
    )
    moved = 0
    for contact in contacts:
        # Confirmed only: one still awaiting its link stays hidden (it follows at confirmation).
        ids = list(
            Referral.objects.filter(requester_id=contact.stand_in_id).values_list("pk", flat=True)
        )
        referrals_move_to(contact=contact, user=user, referral_ids=ids)
        contact.claimed_by = user
        contact.claimed_at = timezone.now()
        contact.save(update_fields=["claimed_by", "claimed_at"])
        moved += len(ids)
    return moved


def attach_on_account_event(sender, user=None, email_address=None, **kwargs) -> None:
    """Receiver of allauth's `user_signed_up` (user) and `email_confirmed` (email_address), and
    of members' `account_opened` (user)."""
    if user is None and email_address is not None:
        user = email_address.user
    attach_unclaimed_requests(user)
