"""Delivery through the real Redis broker and a real Celery worker (CI runs these for real)."""

import smtplib
import time

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend

from ess import outbox
from ess.models import OutboundEmail
from ess.tasks import deliver_email, sweep_pending_emails
from tests.conftest import wait_until
from tests.ess.test_outbox import unreachable_broker

pytestmark = pytest.mark.redis


@pytest.mark.django_db(transaction=True)
def test_an_email_queued_while_the_broker_is_down_is_delivered_when_it_is_back(worker):
    with unreachable_broker():
        email = outbox.email_queue(to="dr@exemple.fr", subject="Objet", body_text="Texte")
    time.sleep(0.5)
    email.refresh_from_db()
    assert email.sent_at is None

    OutboundEmail.objects.filter(pk=email.pk).update(created_at=email.created_at.replace(year=2025))
    sweep_pending_emails.delay()  # what beat does every five minutes

    assert wait_until(lambda: OutboundEmail.objects.get(pk=email.pk).sent_at is not None)
    assert [m.to for m in mail.outbox] == [["dr@exemple.fr"]]


@pytest.mark.django_db(transaction=True)
def test_duplicate_deliveries_through_the_broker_send_once(worker):
    email = outbox.email_queue(to="dr@exemple.fr", subject="Objet", body_text="Texte")

    for _ in range(3):
        deliver_email.delay(email.pk)

    assert wait_until(lambda: OutboundEmail.objects.get(pk=email.pk).sent_at is not None)
    time.sleep(1.0)  # let the duplicates run
    assert len(mail.outbox) == 1


class FlakySMTP(LocmemBackend):
    """The relay drops the first connection, then accepts (a transient SMTP failure)."""

    calls = 0

    def send_messages(self, messages):
        type(self).calls += 1
        if type(self).calls == 1:
            raise smtplib.SMTPServerDisconnected("relais indisponible")
        return super().send_messages(messages)


def test_a_transient_smtp_failure_is_retried_and_sends_exactly_once(db, settings):
    settings.EMAIL_BACKEND = "tests.notifications.test_delivery_with_real_broker.FlakySMTP"
    FlakySMTP.calls = 0
    email = outbox.email_queue(to="dr@exemple.fr", subject="Objet", body_text="Texte")

    with pytest.raises(smtplib.SMTPServerDisconnected):
        outbox.email_deliver(email_id=email.pk)
    email.refresh_from_db()
    assert (email.sent_at, email.claimed_at, email.attempts) == (None, None, 1)
    assert "relais indisponible" in email.last_error

    assert outbox.email_deliver(email_id=email.pk) is True
    assert outbox.email_deliver(email_id=email.pk) is False
    assert len(mail.outbox) == 1
