"""Coordinators booking many referrals into a capacity-2 session at the same moment, each on
its own database connection: exactly two succeed, the others are told it is full (PostgreSQL)."""

import threading

import pytest
from django.db import connection

from referrals.booking import services
from referrals.models import Referral
from scheduling.models import Appointment
from tests.factories import ConsultationSessionFactory, ReferralFactory, UserFactory

TRIALS = 5
CONTENDERS = 6


def race(session_id: int, referral_ids: list[int], coordinator) -> list[str]:
    barrier = threading.Barrier(len(referral_ids))
    outcomes: list[str] = []
    lock = threading.Lock()

    def contend(referral_id):
        try:
            barrier.wait()
            services.session_book(by=coordinator, session_id=session_id, referral_id=referral_id)
            result = "booked"
        except services.SessionFull:
            result = "full"
        except Exception as exc:  # any other outcome is a failure the assertion must show
            result = f"error: {exc!r}"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=contend, args=(r,)) for r in referral_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_concurrent_bookings_never_exceed_the_capacity(postgres, territory):
    coordinator = UserFactory(coordinator=True)
    for _ in range(TRIALS):
        session = ConsultationSessionFactory(capacity=2)
        referrals = [
            ReferralFactory(triaged=True, response_mode="advanced_consultation")
            for _ in range(CONTENDERS)
        ]

        outcomes = race(session.pk, [r.pk for r in referrals], coordinator)

        assert sorted(outcomes) == ["booked"] * 2 + ["full"] * (CONTENDERS - 2)
        assert Appointment.objects.filter(session=session).count() == 2
        assert (
            Referral.objects.filter(pk__in=[r.pk for r in referrals], status="scheduled").count()
            == 2
        )
