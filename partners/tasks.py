from celery import shared_task

from partners import services


@shared_task(acks_late=True)
def conventions_daily() -> dict:
    """Put in force / expire conventions by their dates, then send the 90/30-day reminders."""
    activated, expired = services.conventions_apply_dates()
    reminded = services.conventions_send_reminders()
    return {"activated": activated, "expired": expired, "reminded": reminded}
