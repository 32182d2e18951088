"""Emails about a referral sent to a professional without an account (or recorded for them by
the coordination). Like every notification email, they carry no health data: the reference, the
specialty, what happens next, and links."""

from django.conf import settings
from django.urls import reverse

from ess.outbox import email_queue_rendered


def _send(*, to: str, template: str, **context) -> None:
    email_queue_rendered(
        to=to,
        template=template,
        context={"base_url": settings.ESS_BASE_URL, **context},
        html=False,
    )


def confirmation_email(*, to: str, referral, token: str) -> None:
    """The link that sends a request made without an account to the ESS."""
    link = settings.ESS_BASE_URL + reverse("referrals:confirm_without_account", args=[token])
    _send(
        to=to,
        template="referral_confirm",
        referral=referral,
        link=link,
        hours=settings.ESS_UNCONFIRMED_REFERRAL_HOURS,
    )


def acknowledgement_email(*, to: str, referral) -> None:
    """The request reached the coordination's queue."""
    _send(to=to, template="referral_acknowledgement", referral=referral)


def contact_update_email(*, to: str, referral, title: str, answered: bool) -> None:
    """A step of a request whose sender has no account yet (answer given, appointment…)."""
    _send(
        to=to,
        template="referral_contact_update",
        referral=referral,
        title=title,
        answered=answered,
    )
