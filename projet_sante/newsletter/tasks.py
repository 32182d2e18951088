"""Thin Celery tasks for the newsletter: take ids, call one service (names: see
projet_sante/tasks.py)."""

from celery import shared_task

from ess.outbox import enqueue_on_commit
from ess.tasks import RETRIED_ON_TRANSIENT_ERRORS
from projet_sante.newsletter import services


@shared_task(name="projet_sante.tasks.draft_quarterly_newsletter", acks_late=True)
def draft_quarterly_newsletter() -> int:
    """Beat, first days of each quarter: the letter of the quarter just ended (idempotent)."""
    return services.newsletter_draft().pk


@shared_task(
    name="projet_sante.tasks.send_newsletter_batch",
    **RETRIED_ON_TRANSIENT_ERRORS,
    retry_backoff_max=1800,
    max_retries=10,
)
def send_newsletter_batch(self, newsletter_id: int) -> int:
    """One batch, then the next one is queued until nothing is left (claims make a duplicate
    chain harmless)."""
    remaining = services.newsletter_deliver_batch(newsletter_id=newsletter_id)
    if remaining:
        enqueue_on_commit(send_newsletter_batch.name, newsletter_id)
    return remaining


@shared_task(name="projet_sante.tasks.resume_stalled_newsletters", acks_late=True)
def resume_stalled_newsletters() -> int:
    """Beat: queue again the batches of a letter stuck in "sending" (worker crash, outage)."""
    ids = services.newsletters_resume_stalled()
    for newsletter_id in ids:
        enqueue_on_commit(send_newsletter_batch.name, newsletter_id)
    return len(ids)
