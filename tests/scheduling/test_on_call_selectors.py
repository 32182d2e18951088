"""Who is on call for a specialty at a given time, in the order they are alerted."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from scheduling.models import OnCallDuty, OnCallShift
from scheduling.selectors import (
    next_on_call_start,
    on_call_at,
    specialties_on_call,
)
from tests.factories import UserFactory

PARIS = ZoneInfo("Europe/Paris")
MONDAY_8H = datetime(2026, 12, 7, 8, 0, tzinfo=PARIS)


@pytest.fixture
def morning(cardiology):
    return OnCallShift.objects.create(
        specialty=cardiology, starts_at=MONDAY_8H, ends_at=MONDAY_8H + timedelta(hours=5)
    )


def test_the_first_on_call_comes_before_the_backup(morning):
    first, backup = UserFactory(specialist=True), UserFactory(specialist=True)
    OnCallDuty.objects.create(shift=morning, specialist=backup, rank=2)
    OnCallDuty.objects.create(shift=morning, specialist=first, rank=1)

    at = MONDAY_8H + timedelta(hours=1)
    assert on_call_at(morning.specialty_id, at) == [first, backup]
    assert specialties_on_call(at) == {morning.specialty_id}


def test_nobody_is_on_call_outside_the_shift_or_when_inactive(morning):
    doctor = UserFactory(specialist=True)
    OnCallDuty.objects.create(shift=morning, specialist=doctor, rank=1)

    assert on_call_at(morning.specialty_id, morning.ends_at) == []
    assert on_call_at(morning.specialty_id, MONDAY_8H - timedelta(minutes=1)) == []
    doctor.is_active = False
    doctor.save(update_fields=["is_active"])
    assert on_call_at(morning.specialty_id, MONDAY_8H) == []


def test_the_next_shift_with_someone_on_it(morning, cardiology):
    empty = OnCallShift.objects.create(
        specialty=cardiology,
        starts_at=MONDAY_8H - timedelta(days=1),
        ends_at=MONDAY_8H - timedelta(hours=20),
    )
    OnCallDuty.objects.create(shift=morning, specialist=UserFactory(specialist=True))

    assert next_on_call_start(cardiology.pk, empty.starts_at - timedelta(hours=1)) == MONDAY_8H
    assert next_on_call_start(cardiology.pk, MONDAY_8H) is None
