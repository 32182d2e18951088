"""Coordinators booking the last places of a slot at the same moment: the capacity holds
(PostgreSQL, one connection per coordinator)."""

import threading

import pytest
from django.db import connection

from referrals.booking import services
from scheduling.models import AvailabilitySlot, Booking
from tests.factories import ReferralFactory, SlotFactory, UserFactory

TRIALS = 8
CONTENDERS = 5
CAPACITY = 2


def race(slot_id: int, bookings) -> list[str]:
    """Each (coordinator, referral) books the same slot at once, on its own connection."""
    barrier = threading.Barrier(len(bookings))
    outcomes: list[str] = []
    lock = threading.Lock()

    def contend(coordinator, referral_id):
        try:
            barrier.wait()
            services.slot_book(slot_id=slot_id, referral_id=referral_id, by=coordinator)
            result = "booked"
        except services.SlotFull:
            result = "full"
        except Exception as exc:  # any other outcome is a defect the assertion shows
            result = f"other: {exc!r}"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=contend, args=b) for b in bookings]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_concurrent_bookings_never_exceed_the_capacity(postgres, territory):
    coordinators = [UserFactory(coordinator=True) for _ in range(CONTENDERS)]
    for _ in range(TRIALS):
        slot = SlotFactory(capacity=CAPACITY)
        referrals = [ReferralFactory() for _ in range(CONTENDERS)]

        outcomes = race(slot.pk, [(c, r.pk) for c, r in zip(coordinators, referrals, strict=True)])

        assert sorted(outcomes) == ["booked"] * CAPACITY + ["full"] * (CONTENDERS - CAPACITY)
        slot.refresh_from_db()
        assert slot.booked == CAPACITY == Booking.objects.filter(slot=slot).count()
        offered = [r for r in referrals if Booking.objects.filter(referral=r).exists()]
        for referral in offered:
            referral.refresh_from_db()
            assert (referral.status, referral.offered_to_id) == ("triaged", slot.specialist_id)
    assert AvailabilitySlot.objects.filter(booked__gt=CAPACITY).count() == 0
