"""Thin Celery tasks: take ids, call one service."""

import smtplib

from celery import shared_task

from ess import outbox, sms
from ess.notifications import notifications_send_digests

TRANSIENT_ERRORS = (smtplib.SMTPException, ConnectionError, TimeoutError, OSError)
# A task retried on those errors, with exponential backoff from 30 s; each caller sets how long
# and how many times (`retry_backoff_max`, `max_retries`).
RETRIED_ON_TRANSIENT_ERRORS = {
    "bind": True,
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": 30,
    "acks_late": True,
}


def queue_each(task, ids: list[int]) -> int:
    """A sweep's work: `task` queued again for each id an outage left pending (its delivery is
    idempotent); returns how many."""
    for pk in ids:
        task.delay(pk)
    return len(ids)


@shared_task(**RETRIED_ON_TRANSIENT_ERRORS, retry_backoff_max=3600, max_retries=10)
def deliver_email(self, email_id: int) -> bool:
    return outbox.email_deliver(email_id=email_id)


@shared_task
def sweep_pending_emails() -> int:
    """Queue again what an outage left pending. Safe to run often: delivery is idempotent."""
    return queue_each(deliver_email, outbox.emails_pending_ids())


@shared_task(acks_late=True)
def run_outbound_task(row_id: int) -> bool:
    return outbox.task_run(row_id=row_id)


@shared_task
def sweep_pending_tasks() -> int:
    """Send again the recorded tasks an outage left unsent (running one is idempotent)."""
    return queue_each(run_outbound_task, outbox.tasks_pending_ids())


@shared_task(acks_late=True)
def send_notification_digests() -> int:
    return notifications_send_digests()


@shared_task(**RETRIED_ON_TRANSIENT_ERRORS, retry_backoff_max=600, max_retries=10)
def deliver_sms(self, sms_id: int) -> bool:
    return sms.sms_deliver(sms_id=sms_id)


@shared_task
def sweep_pending_sms() -> int:
    """Queue again the text messages an outage left pending (delivery is idempotent)."""
    return queue_each(deliver_sms, sms.sms_pending_ids())
