from contextlib import contextmanager
from datetime import timedelta

from django.core import mail
from django.utils import timezone

from ess import outbox
from ess.models import OutboundEmail
from ess.tasks import deliver_email, sweep_pending_emails


@contextmanager
def unreachable_broker():
    """Point Celery at a port where no broker listens (a real connection refusal)."""
    from ess.celery import app

    saved = {k: app.conf[k] for k in ("task_always_eager", "broker_url", "task_publish_retry")}

    def reset_pools():  # kombu keeps pools per URL: forget ours so the next publish looks again
        app._pool = None
        app.amqp._producer_pool = None

    app.conf.update(
        task_always_eager=False, broker_url="redis://127.0.0.1:1/0", task_publish_retry=False
    )
    reset_pools()
    try:
        yield
    finally:
        app.conf.update(saved)
        reset_pools()


def test_a_queued_email_is_sent_once_after_commit(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email = outbox.email_queue(
            to="dr@exemple.fr", subject="Objet", body_text="Texte", body_html="<p>Texte</p>"
        )

    email.refresh_from_db()
    assert email.sent_at is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].alternatives[0][0] == "<p>Texte</p>"


def test_delivering_twice_sends_once(db, django_capture_on_commit_callbacks):
    email = outbox.email_queue(to="dr@exemple.fr", subject="Objet", body_text="Texte")

    assert deliver_email.apply(args=[email.pk]).get() is True
    assert deliver_email.apply(args=[email.pk]).get() is False
    assert len(mail.outbox) == 1


def test_nothing_is_sent_if_the_transaction_rolls_back(db, django_capture_on_commit_callbacks):
    from django.db import transaction

    try:
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            outbox.email_queue(to="dr@exemple.fr", subject="Objet", body_text="Texte")
            raise RuntimeError("la modification échoue")
    except RuntimeError:
        pass

    assert OutboundEmail.objects.count() == 0
    assert mail.outbox == []


def test_a_broker_outage_leaves_the_email_pending_and_the_sweep_sends_it(
    db, settings, django_capture_on_commit_callbacks, time_machine
):
    with unreachable_broker(), django_capture_on_commit_callbacks(execute=True):
        email = outbox.email_queue(to="dr@exemple.fr", subject="Objet", body_text="Texte")

    email.refresh_from_db()
    assert email.sent_at is None
    assert mail.outbox == []

    time_machine.move_to(timezone.now() + timedelta(minutes=5))
    assert sweep_pending_emails.apply().get() == 1
    email.refresh_from_db()
    assert email.sent_at is not None
    assert len(mail.outbox) == 1
