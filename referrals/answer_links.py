"""The personal link that lets a professional without an account read the answer to their
request (the email itself carries no health data).

The link is signed, bound to one contact and one referral, and valid for
`ESS_ANSWER_LINK_DAYS` days. It is not enough on its own: the page asks for the professional's
RPPS (or ADELI) number before showing anything, so that an email forwarded or read over a
shoulder does not reveal the answer. Kept below the services and the notifications, which both
build the link.
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

from referrals.models import Referral, RequesterContact

_SALT = "referrals.without_account.answer"


def answer_link_validity() -> timedelta:
    return timedelta(days=settings.ESS_ANSWER_LINK_DAYS)


def answer_link_token(*, contact: RequesterContact, referral: Referral) -> str:
    return signing.dumps({"c": str(contact.public_id), "r": str(referral.public_id)}, salt=_SALT)


def answer_link_url(*, contact: RequesterContact, referral: Referral) -> str:
    token = answer_link_token(contact=contact, referral=referral)
    return settings.ESS_BASE_URL + reverse("referrals:answer_without_account", args=[token])


def answer_link_open(token: str) -> tuple[RequesterContact, Referral] | None:
    """The contact and the referral a link names, or None: forged, altered, expired, or the
    request no longer theirs (claimed by an account since: it is read there)."""
    try:
        payload = signing.loads(token, salt=_SALT, max_age=answer_link_validity())
        contact_id, referral_id = payload["c"], payload["r"]
    except (signing.BadSignature, KeyError, TypeError):
        return None
    contact = (
        RequesterContact.objects.select_related("stand_in")
        .filter(public_id=contact_id, claimed_at=None)
        .first()
    )
    if contact is None:
        return None
    referral = (
        Referral.objects.select_related("specialty", "specialist")
        .filter(public_id=referral_id, requester_id=contact.stand_in_id)
        .first()
    )
    return (contact, referral) if referral is not None else None


def _digits(value: str) -> str:
    return "".join(c for c in (value or "") if c.isalnum()).upper()


def identifier_matches(contact: RequesterContact, typed: str) -> bool:
    """The number typed is the contact's RPPS (or ADELI), spaces aside; the national form
    ("8" + RPPS) is accepted too."""
    typed, known = _digits(typed), _digits(contact.rpps)
    return bool(typed) and typed in (known, f"8{known}")
