from contextlib import contextmanager
from datetime import timedelta

import pytest
from celery import shared_task
from django.core import mail
from django.utils import timezone

from ess import outbox
from ess.models import OutboundEmail, OutboundTask
from ess.tasks import deliver_email, run_outbound_task, sweep_pending_emails, sweep_pending_tasks


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


# Tasks recorded after a change (ess.outbox.task_queue) -----------------------------------------
RAN: list[tuple] = []


@shared_task(name="tests.ess.test_outbox.remember")
def remember(*args):
    RAN.append(args)


@pytest.fixture
def ran():
    RAN.clear()
    yield RAN
    RAN.clear()


def test_the_demos_past_emails_count_as_delivered_then_and_its_future_ones_are_sent(
    db, django_capture_on_commit_callbacks
):
    from ess.demo_data import demo_clock

    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True), demo_clock() as travel:
        travel(now - timedelta(days=30))
        past = outbox.email_queue(to="dr@exemple.fr", subject="Hier", body_text="Texte")
        travel(now + timedelta(days=2))
        future = outbox.email_queue(to="dr@exemple.fr", subject="Demain", body_text="Texte")

    # The past's email is not sent now: it was delivered when it was written.
    assert [m.subject for m in mail.outbox] == ["Demain"]
    past.refresh_from_db()
    assert past.sent_at == past.created_at
    assert outbox.outbox_oldest_pending_age() is None
    future.refresh_from_db()
    assert future.sent_at is not None and future.created_at > now


def test_a_recorded_task_runs_once_after_commit(db, ran, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        row = outbox.task_queue(remember.name, 7, "referral_new")
        assert ran == []  # not before the change commits

    assert ran == [(7, "referral_new")]
    row.refresh_from_db()
    assert row.sent_at is not None and row.attempts == 1
    assert run_outbound_task.apply(args=[row.pk]).get() is False  # delivered twice: run once
    assert ran == [(7, "referral_new")]


def test_a_task_recorded_in_a_rolled_back_change_never_runs(
    db, ran, django_capture_on_commit_callbacks
):
    from django.db import transaction

    with (
        pytest.raises(RuntimeError),
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        outbox.task_queue(remember.name, 1)
        raise RuntimeError("la modification échoue")

    assert OutboundTask.objects.count() == 0
    assert ran == []


def test_a_failing_task_stays_unsent_with_its_error(db, django_capture_on_commit_callbacks):
    row = outbox.task_queue("tests.ess.test_outbox.fails")

    with pytest.raises(ValueError, match="en panne"):
        run_outbound_task.apply(args=[row.pk]).get()

    row.refresh_from_db()
    assert (row.sent_at, row.attempts, row.last_error) == (None, 1, "en panne")


@shared_task(name="tests.ess.test_outbox.fails")
def fails():
    raise ValueError("en panne")


def test_a_broker_outage_leaves_the_task_unsent_and_the_sweep_runs_it(
    db, ran, django_capture_on_commit_callbacks, time_machine
):
    with unreachable_broker(), django_capture_on_commit_callbacks(execute=True):
        row = outbox.task_queue(remember.name, 3)

    assert ran == []
    time_machine.move_to(timezone.now() + timedelta(minutes=5))
    assert sweep_pending_tasks.apply().get() == 1
    assert ran == [(3,)]
    row.refresh_from_db()
    assert row.sent_at is not None
    assert sweep_pending_tasks.apply().get() == 0


def test_the_sweep_is_scheduled(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "ess.tasks.sweep_pending_tasks" in tasks
