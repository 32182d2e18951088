"""The benchmark's reference for the indicators (bench/indicators_reference.py): hand-written SQL
giving the same figures as the product, on the hand-built quarter and immediate opinions."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bench.indicators_reference import product_figures, raw_sql_figures
from projet_sante.indicators.periods import quarter_period
from tests.projet_sante.indicators.data import (
    build_events,
    build_network,
    build_pathways,
    build_quarter,
)
from tests.projet_sante.indicators.test_immediate_figures import immediate_opinions  # noqa: F401

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=ZoneInfo("Europe/Paris"))


def test_raw_sql_gives_the_product_figures_for_the_hand_built_quarter():
    build_quarter()
    build_network()

    for quarter in (quarter_period(2026, 1), quarter_period(2026, 2)):
        product = product_figures(quarter, now=NOW)
        assert raw_sql_figures(quarter, now=NOW) == product
    assert product_figures(quarter_period(2026, 1), now=NOW)["requests_received"]["value"] == 7


def test_raw_sql_gives_the_product_figures_for_immediate_opinions(immediate_opinions):  # noqa: F811
    quarter = quarter_period(2026, 1)

    figures = raw_sql_figures(quarter, now=NOW)

    assert figures == product_figures(quarter, now=NOW)
    assert figures["immediate_requests"]["value"] == 3


def test_raw_sql_gives_the_product_figures_for_pathways_and_case_meetings():
    build_pathways()

    for quarter in (quarter_period(2026, 1), quarter_period(2026, 2)):
        assert raw_sql_figures(quarter, now=NOW) == product_figures(quarter, now=NOW)
    figures = raw_sql_figures(quarter_period(2026, 1), now=NOW)
    assert figures["pathway_tasks_on_time_pct"]["value"] == 50.0
    assert figures["pathway_alert_answer_median_hours"]["value"] == 6.0


def test_raw_sql_gives_the_product_figures_for_trainings_campaigns_etp_and_residents():
    build_events()

    for quarter in (quarter_period(2026, 1), quarter_period(2026, 2)):
        assert raw_sql_figures(quarter, now=NOW) == product_figures(quarter, now=NOW)
    figures = raw_sql_figures(quarter_period(2026, 1), now=NOW)
    assert figures["professionals_trained"]["value"] == 3
    assert figures["trainee_hours"]["value"] == 11.0
