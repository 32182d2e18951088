"""A quarter of activity (April–June 2025) for one specialist, at known rates."""

from datetime import datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from finance import services
from meetings.models import MeetingParticipant
from scheduling.models import OnCallDuty, OnCallShift
from tests.factories import (
    CaseMeetingFactory,
    ConsultationSessionFactory,
    ReferralFactory,
    TrainingFactory,
    UserFactory,
    cardiology,
)

PARIS = ZoneInfo("Europe/Paris")

RATES = {
    "answer": Decimal("30.00"),
    "session": Decimal("250.50"),
    "meeting": Decimal("80.00"),
    "training": Decimal("150.00"),
    "on_call_hour": Decimal("12.34"),
}


def at(month: int, day: int, hour: int = 10, minute: int = 0, year: int = 2025) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


def _answer(specialist, when, mode="teleexpertise_async"):
    return ReferralFactory(
        status="completed",
        priority="P3",
        response_mode=mode,
        specialist=specialist,
        submitted_at=when - timedelta(days=2),
        accepted_at=when - timedelta(days=1),
        answered_at=when,
        completed_at=when,
        answer="Pas d'indication à une consultation.",
    )


def _session(specialist, when, status="published"):
    return ConsultationSessionFactory(
        specialist=specialist,
        date=when.date(),
        starts_at=when,
        ends_at=when + timedelta(hours=3),
        status=status,
    )


@pytest.fixture
def activity(manager):
    """Dr Durand's second quarter of 2025: 3 answers (a teleconsultation and an answer of July
    left out), 2 sessions held (a cancelled one left out), 1 case meeting attended (another
    missed), 1 training given, and 7 h 20 on call. A colleague answered once."""
    services.rates_set(by=manager, amounts=RATES)
    durand = UserFactory(specialist=True, first_name="Alice", last_name="Durand")
    colleague = UserFactory(specialist=True, first_name="Bruno", last_name="Petit")
    for day in (3, 17):
        _answer(durand, at(4, day))
    _answer(durand, at(6, 30, 23, 30))  # Paris time: still in the quarter
    _answer(durand, at(7, 1, 0, 30))  # the next quarter
    _answer(durand, at(5, 5), mode="teleconsultation")
    _answer(colleague, at(5, 6))
    _session(durand, at(4, 10, 9))
    _session(durand, at(5, 15, 14))
    _session(durand, at(6, 12, 9), status="cancelled")
    for attended in (True, False):
        meeting = CaseMeetingFactory(held=True, starts_at=at(5, 20, 18))
        MeetingParticipant.objects.create(meeting=meeting, user=durand, attended=attended)
    training = TrainingFactory(held=True, starts_at=at(6, 5, 19))
    training.speakers.add(durand)
    shift = OnCallShift.objects.create(
        specialty=cardiology(), starts_at=at(4, 22, 18), ends_at=at(4, 23, 1, 20)
    )
    OnCallDuty.objects.create(shift=shift, specialist=durand, rank=2)
    return SimpleNamespace(durand=durand, colleague=colleague)
