"""Text messages (SMS): rows first, like emails (ess/outbox.py), sent by a task through the
backend named by the `ESS_SMS_BACKEND` setting.

A backend is a class with `send(to, body)`: `to` is an E.164 number (+33612345678), `body` the
text; it raises on failure (the task retries with backoff). `LoggingBackend`, the default, only
logs the message and keeps it in `sent` (development and tests read it there). To plug a real
provider, subclass `BaseSmsBackend` in a module of your own, call the provider's HTTP API in
`send`, raise on any refusal, and name the class in `ESS_SMS_BACKEND` (docs/operations.md).

Text messages leave the platform over a carrier's network: they never carry the patient's
identity, and the health data they carry is kept to what the person called needs to act
(docs/security.md).
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.utils.module_loading import import_string

from ess.models import OutboundSms
from ess.outbox import claim, enqueue_on_commit, pending_ids, send_claimed

logger = logging.getLogger(__name__)

# What LoggingBackend sent in this process: (to, body) pairs, for tests and development.
sent: list[tuple[str, str]] = []

# A carrier splits longer texts into several messages (160 GSM characters each).
MAX_LENGTH = 480


class BaseSmsBackend:
    def send(self, to: str, body: str) -> None:
        raise NotImplementedError


class LoggingBackend(BaseSmsBackend):
    """Sends nothing: logs the message and keeps it in `ess.sms.sent`."""

    def send(self, to: str, body: str) -> None:
        logger.info("SMS to %s: %s", to, body)
        sent.append((to, body))


def backend() -> BaseSmsBackend:
    return import_string(settings.ESS_SMS_BACKEND)()


def sms_queue(*, to: str, body: str) -> OutboundSms:
    """Record a text message to `to` (E.164) and queue its delivery after commit."""
    sms = OutboundSms.objects.create(to=to, body=body[:MAX_LENGTH])
    enqueue_on_commit("ess.tasks.deliver_sms", sms.pk)
    return sms


class _Sending:
    """One claimed row, sent by the backend when `send_claimed` asks."""

    def __init__(self, sms: OutboundSms):
        self.sms = sms

    def send(self) -> None:
        backend().send(self.sms.to, self.sms.body)


def sms_deliver(*, sms_id: int) -> bool:
    """Send one pending text message. Idempotent: a sent or freshly claimed one is left alone.
    Returns True when this call sent it; raises the backend's error after releasing the claim."""
    if not claim(OutboundSms, sms_id):
        return False
    sms = OutboundSms.objects.get(pk=sms_id)
    send_claimed(_Sending(sms), OutboundSms.objects.filter(pk=sms_id))
    return True


def sms_pending_ids() -> list[int]:
    """Pending text messages nobody is working on: what the periodic sweep queues again."""
    return pending_ids(OutboundSms, older_than=timedelta(minutes=2))
