"""Two specialists accepting the same case at the same moment: exactly one wins (PostgreSQL)."""

import threading

import pytest
from django.db import connection

from ess.errors import TransitionNotAllowed
from referrals import services
from referrals.models import Referral, ReferralEvent
from tests.factories import ReferralFactory, UserFactory

TRIALS = 15
CONTENDERS = 4


def race(referral_id: int, specialists) -> list[str]:
    """All specialists accept at once, each on its own database connection."""
    barrier = threading.Barrier(len(specialists))
    outcomes: list[str] = []
    lock = threading.Lock()

    def contend(specialist):
        try:
            barrier.wait()
            services.referral_accept(referral_id=referral_id, by=specialist)
            result = "won"
        except TransitionNotAllowed as exc:
            result = "lost" if "déjà été prise en charge" in str(exc) else f"other: {exc}"
        except Exception as exc:  # any other outcome is a failure the assertion must show
            result = f"error: {exc!r}"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=contend, args=(s,)) for s in specialists]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_concurrent_accepts_have_exactly_one_winner(postgres, territory):
    specialists = [UserFactory(specialist=True) for _ in range(CONTENDERS)]
    for _ in range(TRIALS):
        referral = ReferralFactory(triaged=True)  # offered to the whole cardiology pool

        outcomes = race(referral.pk, specialists)

        assert sorted(outcomes) == ["lost"] * (CONTENDERS - 1) + ["won"]
        referral.refresh_from_db()
        assert referral.status == "accepted"
        assert referral.specialist in specialists
        assert ReferralEvent.objects.filter(referral=referral, to_status="accepted").count() == 1
    assert Referral.objects.filter(status="accepted").count() == TRIALS
