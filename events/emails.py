"""Emails to the people registered to a training. Most have no account: each email carries the
link to their registration's page (its `public_id` is the secret), from which they confirm or
cancel. Sent through the outbox, in the transaction of the change they tell."""

from django.conf import settings
from django.urls import reverse

from ess.outbox import email_queue_rendered, language_of
from events.models import Registration


def _link(name: str, registration: Registration) -> str:
    return settings.ESS_BASE_URL + reverse(name, args=[registration.public_id])


def _send(registration: Registration, *, template: str, language: str = "", **context) -> None:
    """`language`: the registrant's for what others do (French without an account); by
    default the language of the moment, the registrant's own when they register."""
    email_queue_rendered(
        to=registration.email,
        template=template,
        context={
            "registration": registration,
            "training": registration.training,
            "page_link": _link("events:registration", registration),
            **context,
        },
        html=False,
        language=language,
    )


def confirmation_email(registration: Registration) -> None:
    """A registration without an account: the link that confirms the email address."""
    _send(
        registration,
        template="training_registration_confirm",
        confirm_link=_link("events:registration_confirm", registration),
    )


def registered_email(registration: Registration) -> None:
    """The registration holds a place, or a rank on the waiting list."""
    _send(registration, template="training_registered")


def place_freed_email(registration: Registration) -> None:
    """A waitlisted registrant got the place someone gave up."""
    _send(registration, template="training_place_freed", language=language_of(registration.user))


def reminder_email(registration: Registration) -> None:
    """The day before the training: when, where or how to join."""
    _send(registration, template="training_reminder", language=language_of(registration.user))


def training_changed_email(registration: Registration, *, before: dict, changed: list) -> None:
    """A published training's dates, place or video link changed: the new ones, and the old
    date where it moved."""
    _send(
        registration,
        template="training_changed",
        language=language_of(registration.user),
        before=before,
        changed=changed,
    )


def training_cancelled_email(registration: Registration) -> None:
    """The training is cancelled: its reason, and nothing left to do."""
    _send(registration, template="training_cancelled", language=language_of(registration.user))
