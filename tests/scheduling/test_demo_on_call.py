"""The demo's on-call roster leaves one Saturday morning unstaffed, among the gaps the managers
are warned of, whatever the day the demo is seeded."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from scheduling.demo import seed_on_call
from scheduling.selectors.oncall import on_call_gaps_to_come
from tests.factories import UserFactory

PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(
    "seeded_at",
    [
        datetime(2026, 12, 4, 23, 30, tzinfo=PARIS),  # Friday night: tomorrow morning
        datetime(2026, 12, 5, 0, 30, tzinfo=PARIS),  # Saturday, before nine: this morning
        datetime(2026, 12, 5, 10, 0, tzinfo=PARIS),  # Saturday, after nine: next week's
        datetime(2026, 12, 7, 10, 0, tzinfo=PARIS),  # a Monday
    ],
)
def test_the_unstaffed_saturday_morning_is_among_the_gaps_to_come(cardiology, seeded_at):
    users = {
        "cardiologue": UserFactory(specialist=True),
        "cardiologue2": UserFactory(specialist=True),
        "direction": UserFactory(manager=True),
    }
    with time_machine.travel(seeded_at, tick=False):
        seed_on_call(users)
        gaps = list(on_call_gaps_to_come())

    assert [g.note for g in gaps] == ["Samedi matin : à pourvoir"]
    starts = gaps[0].starts_at.astimezone(PARIS)
    assert starts.weekday() == 5 and starts.hour == 9 and starts > seeded_at
