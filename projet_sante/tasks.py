"""Thin Celery tasks for the newsletter: take ids, call one service."""

from celery import shared_task

from ess.outbox import enqueue_on_commit
from ess.tasks import TRANSIENT_ERRORS
from projet_sante import services


@shared_task(acks_late=True)
def draft_quarterly_newsletter() -> int:
    """Beat, first days of each quarter: the letter of the quarter just ended (idempotent)."""
    return services.newsletter_draft().pk


@shared_task(
    bind=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=30,
    retry_backoff_max=1800,
    max_retries=10,
    acks_late=True,
)
def send_newsletter_batch(self, newsletter_id: int) -> int:
    """One batch, then the next one is queued until nothing is left (claims make a duplicate
    chain harmless)."""
    remaining = services.newsletter_deliver_batch(newsletter_id=newsletter_id)
    if remaining:
        enqueue_on_commit(send_newsletter_batch, newsletter_id)
    return remaining


@shared_task(acks_late=True)
def resume_stalled_newsletters() -> int:
    """Beat: queue again the batches of a letter stuck in "sending" (worker crash, outage)."""
    ids = services.newsletters_resume_stalled()
    for newsletter_id in ids:
        enqueue_on_commit(send_newsletter_batch, newsletter_id)
    return len(ids)


# --- Indicators and reports -----------------------------------------------------------------------
@shared_task(acks_late=True)
def snapshot_quarterly_indicators() -> int:
    """Beat, first days of each quarter: freeze the quarter just ended (idempotent)."""
    from projet_sante.services_indicators import indicator_snapshot_previous_quarter

    return indicator_snapshot_previous_quarter().pk


@shared_task(
    bind=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=5,
    acks_late=True,
)
def render_report(self, report_id: int) -> str:
    """Render one pending report (a no-op when it is already ready)."""
    from projet_sante.reports import report_render

    return report_render(report_id=report_id)
