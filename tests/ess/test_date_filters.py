"""Dates and durations as the pages, emails and PDFs write them: the first of the month is "1er"
in French, a date's time is joined by "à" in French, "at" in English, in Paris time; hours read
as "1 h 30"."""

from datetime import UTC, date, datetime

from django.template import Context, Template
from django.utils import translation


def render(source: str, **context) -> str:
    return Template("{% load ess_tags %}" + source).render(Context(context))


def test_the_first_of_the_month_is_1er_in_french_only():
    first, second = date(2025, 3, 1), date(2025, 3, 2)

    assert render("{{ d|long_date }}", d=first) == "1er mars 2025"
    assert render("{{ d|long_date }}", d=second) == "2 mars 2025"
    assert render('{{ d|long_date:"l j F Y" }}', d=first) == "samedi 1er mars 2025"
    with translation.override("en"):
        assert render("{{ d|long_date }}", d=first) == "1 March 2025"


def test_a_date_and_its_time_read_in_paris_time_in_the_page_s_language():
    evening = datetime(2026, 12, 7, 21, 19, tzinfo=UTC)  # 22:19 in Paris

    assert render("{{ t|date_at }}", t=evening) == "lundi 07/12/2026 à 22:19"
    assert render('{{ t|date_at:"j F Y" }}', t=datetime(2026, 6, 30, 22, 5, tzinfo=UTC)) == (
        "1er juillet 2026 à 00:05"
    )
    with translation.override("en"):
        assert render("{{ t|date_at }}", t=evening) == "Monday 07/12/2026 at 22:19"


def test_no_date_writes_nothing():
    assert render("{{ t|date_at }}{{ t|long_date }}", t=None) == ""


def test_a_duration_in_hours_reads_as_people_say_it():
    durations = ["1.5", "2", "0.75", "2.25"]

    assert [render("{{ h|duration_hours }}", h=h) for h in durations] == [
        "1 h 30",
        "2 h",
        "45 min",
        "2 h 15",
    ]
