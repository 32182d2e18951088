"""How long ago a request arrived, as the queue says it."""

from datetime import datetime, timedelta

import pytest

from ess.templatetags.ess_tags import ago

NOW = datetime(2026, 7, 10, 16, 0)


@pytest.mark.parametrize(
    ("before", "said"),
    [
        (timedelta(seconds=20), "à l'instant"),
        (timedelta(minutes=25), "il y a 25 min"),
        (timedelta(hours=3, minutes=40), "il y a 3 h"),
        (timedelta(hours=47), "il y a 47 h"),
        (timedelta(days=4, hours=2), "il y a 4 j"),
        (-timedelta(minutes=5), "à l'instant"),  # a clock a little ahead
    ],
)
def test_ago(before, said):
    assert ago(NOW - before, NOW) == said


def test_nothing_for_no_date():
    assert ago(None) == ""
