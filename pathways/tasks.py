from celery import shared_task

from pathways import reminders


@shared_task(acks_late=True)
def remind_late_pathway_tasks() -> int:
    """Hourly in the working day: late delegated tasks remind their owner, then the
    coordinators, once each (idempotent: each step is claimed on the task's row)."""
    return reminders.late_tasks_remind()
