from celery import shared_task

from ess.tasks import RETRIED_ON_TRANSIENT_ERRORS
from events.services import registrations


@shared_task(**RETRIED_ON_TRANSIENT_ERRORS, retry_backoff_max=600, max_retries=5)
def remind_tomorrows_trainings(self) -> int:
    """The confirmed registrants of tomorrow's trainings get their reminder, once each
    (idempotent: each reminder is claimed on its registration's row)."""
    return registrations.reminders_send()
