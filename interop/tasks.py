"""Thin Celery tasks: take ids, call one service."""

from celery import shared_task

from ess.tasks import RETRIED_ON_TRANSIENT_ERRORS, queue_each
from interop.mssante.services import secure_message_deliver, secure_messages_pending_ids


@shared_task(**RETRIED_ON_TRANSIENT_ERRORS, retry_backoff_max=3600, max_retries=8)
def deliver_secure_message(self, message_id: int) -> bool:
    return secure_message_deliver(message_id=message_id)


@shared_task
def sweep_pending_secure_messages() -> int:
    """Queue again the secure messages an outage (broker or MSSanté server) left pending;
    delivery is idempotent."""
    return queue_each(deliver_secure_message, secure_messages_pending_ids())
