"""Text messages: rows first, sent once by the configured backend, retried on failure."""

import pytest
from django.utils import timezone

from ess import sms
from ess.models import OutboundSms
from ess.tasks import deliver_sms, sweep_pending_sms


class FlakyProvider(sms.BaseSmsBackend):
    """A provider that refuses the first message (a transient failure), then accepts."""

    calls = 0

    def send(self, to: str, body: str) -> None:
        type(self).calls += 1
        if type(self).calls == 1:
            raise ConnectionError("opérateur indisponible")
        sms.sent.append((to, body))


def test_a_message_is_recorded_then_sent_once_after_commit(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = sms.sms_queue(to="+33611223344", body="Avis immédiat ESS-2026-000001")

    assert sms.sent == [("+33611223344", "Avis immédiat ESS-2026-000001")]
    message.refresh_from_db()
    assert message.sent_at is not None and message.attempts == 1
    assert deliver_sms.apply(args=[message.pk]).get() is False
    assert len(sms.sent) == 1


def test_a_failing_provider_releases_the_claim_and_the_retry_sends_once(db, settings):
    settings.ESS_SMS_BACKEND = "tests.ess.test_sms.FlakyProvider"
    FlakyProvider.calls = 0
    message = sms.sms_queue(to="+33611223344", body="Texte")

    with pytest.raises(ConnectionError):
        sms.sms_deliver(sms_id=message.pk)
    message.refresh_from_db()
    assert (message.sent_at, message.claimed_at) == (None, None)
    assert "opérateur indisponible" in message.last_error

    assert sms.sms_deliver(sms_id=message.pk) is True
    assert sms.sms_deliver(sms_id=message.pk) is False
    assert len(sms.sent) == 1


def test_the_sweep_sends_what_an_outage_left_pending(db, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    message = sms.sms_queue(to="+33611223344", body="Texte")  # never queued: no commit here
    assert sweep_pending_sms.apply().get() == 0  # too recent: its own task may still come

    time_machine.shift(300)
    assert sweep_pending_sms.apply().get() == 1

    assert OutboundSms.objects.get(pk=message.pk).sent_at is not None
    assert sms.sent == [("+33611223344", "Texte")]


def test_a_long_text_is_cut_to_what_a_carrier_takes(db):
    message = sms.sms_queue(to="+33611223344", body="x" * 1000)
    assert len(message.body) == sms.MAX_LENGTH
