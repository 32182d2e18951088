from celery import shared_task
from django.db import OperationalError

from referrals import services
from referrals.notifications import referral_notify_by_id


@shared_task(acks_late=True)
def escalate_referrals() -> int:
    return services.referrals_escalate()


@shared_task
def notify_referral(referral_id: int, kind: str, actor_id: int | None = None) -> bool:
    """Queued by referrals.notifications.referral_notify_after_commit, run by ess.outbox."""
    return referral_notify_by_id(referral_id=referral_id, kind=kind, actor_id=actor_id)


@shared_task(acks_late=True)
def purge_pending_attachments() -> int:
    return services.pending_attachments_purge()


@shared_task(acks_late=True)
def purge_unconfirmed_referrals() -> int:
    return services.referrals_purge_unconfirmed()


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=5, max_retries=5)
def escalate_immediate(referral_id: int) -> bool:
    """The timed check of one immediate opinion, queued with each alert level."""
    return services.immediate_escalate(referral_id=referral_id)


@shared_task(acks_late=True)
def escalate_immediate_requests() -> int:
    """Every minute: the levels due that a lost timed check left behind."""
    return sum(
        services.immediate_escalate(referral_id=pk) for pk in services.immediate_requests_due()
    )
