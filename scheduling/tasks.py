from celery import shared_task

from scheduling import services


@shared_task(acks_late=True)
def warn_on_call_gaps() -> int:
    """Tell managers and coordinators of the on-call shifts nobody covers in the next days
    (once per shift: the notifications' dedupe key)."""
    return services.on_call_gaps_warn()
