from celery import shared_task

from referrals import services


@shared_task(acks_late=True)
def escalate_referrals() -> int:
    return services.referrals_escalate()


@shared_task(acks_late=True)
def purge_unconfirmed_referrals() -> int:
    return services.referrals_purge_unconfirmed()
