"""Dates and times in lists: as the `date:"d/m/Y H:i"` filter shows them, in local time."""

from datetime import UTC, datetime

from django.template import Context, Template
from django.utils import timezone

from ess.templatetags.ess_tags import day_and_time


def date(value):
    return Template('{{ value|date:"d/m/Y H:i" }}').render(Context({"value": value}))


def test_a_date_and_time_is_shown_in_local_time_as_the_date_filter_does():
    winter = datetime(2026, 1, 5, 8, 3, tzinfo=UTC)
    summer = datetime(2026, 7, 14, 22, 30, tzinfo=UTC)  # the next day in Paris

    with timezone.override("Europe/Paris"):
        assert day_and_time(winter) == "05/01/2026 09:03" == date(winter)
        assert day_and_time(summer) == "15/07/2026 00:30" == date(summer)


def test_nothing_is_shown_for_no_date():
    assert day_and_time(None) == ""
