"""Emails about a referral sent to a professional without an account (or recorded for them by
the coordination). Like every notification email, they carry no health data: the reference, the
specialty, what happens next, and links."""

from django.conf import settings
from django.urls import reverse

from ess.outbox import email_queue_rendered
from referrals.models import URGENCY_HELP, priority_delay


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
    """The request reached the coordination's queue: what happens next, by when at the latest
    for the urgency asked, and how the answer will come."""
    priority = referral.effective_priority
    _send(
        to=to,
        template="referral_acknowledgement",
        referral=referral,
        expected_by=referral.due_at or referral.submitted_at + priority_delay(priority),
        delay=URGENCY_HELP[priority],
        link_days=settings.ESS_ANSWER_LINK_DAYS,
    )


def contact_update_email(*, to: str, referral, title: str, link: str = "") -> None:
    """A step of a request whose sender has no account yet (answer given, appointment…); an
    answer comes with the personal `link` that shows it."""
    _send(
        to=to,
        template="referral_contact_update",
        referral=referral,
        title=title,
        link=link,
        link_days=settings.ESS_ANSWER_LINK_DAYS,
    )
