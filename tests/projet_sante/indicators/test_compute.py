"""Indicators on a hand-built quarter: every figure worked out by hand (see data.py)."""

from datetime import date, timedelta

import pytest

from projet_sante.indicators.compute import indicators_compute
from projet_sante.indicators.display import present
from projet_sante.indicators.periods import (
    Filters,
    PeriodError,
    clean_filters,
    parse_period,
    quarter_period,
)
from projet_sante.indicators.registry import REGISTRY
from tests.factories import ReferralFactory
from tests.projet_sante.indicators.data import T0, build_network, build_quarter

pytestmark = pytest.mark.django_db
Q1 = quarter_period(2026, 1)


def value(values, code):
    return values[code]["value"]


@pytest.fixture
def quarter(db):
    return build_quarter()


def test_requests_received_counts_the_quarter_in_paris_time(quarter):
    values = indicators_compute(Q1)
    assert value(values, "requests_received") == 7  # R7 (1 April 00:30 Paris) is in Q2
    assert value(indicators_compute(quarter_period(2026, 2)), "requests_received") == 1


def test_median_and_90th_percentile_of_time_to_triage(quarter):
    # Triage hours [1, 2, 3, 4, 6, 8]: median (3 + 4) / 2; P90 at 4.5 → 6 + 0.5 × 2.
    values = indicators_compute(Q1)
    assert value(values, "triage_median_hours") == 3.5
    assert value(values, "triage_p90_hours") == 7.0
    assert values["triage_median_hours"]["n"] == 6


def test_time_to_response_takes_the_first_of_answer_and_appointment(quarter):
    # Responses [10, 20 (scheduled), 30, 40 (answered before being scheduled at 60)].
    values = indicators_compute(Q1)
    assert value(values, "response_median_hours") == 25.0
    assert value(values, "response_p90_hours") == 37.0  # 30 + 0.7 × 10
    assert values["response_median_hours"]["n"] == 4


def test_shares_within_due_time(quarter):
    values = indicators_compute(Q1)
    # P1: R1 in 10 h (ok), R2 in 30 h (late).
    assert values["p1_within_due_pct"] == {"value": 50.0, "n": 2, "count": 1}
    # P2: R3 (20 h) and R8 (40 h) in time, R4 past due without answer; R5 reoriented: out.
    assert values["p2_within_due_pct"] == {"value": 66.7, "n": 3, "count": 2}


def test_a_request_never_triaged_past_its_provisional_due_time_counts_as_late(quarter):
    # Asked P1, still waiting for triage 24 h later: late, as its requester sees it.
    ReferralFactory(urgency_requested="P1", submitted_at=T0, due_at=T0 + timedelta(hours=24))

    values = indicators_compute(Q1)

    assert values["p1_within_due_pct"] == {"value": 33.3, "n": 3, "count": 1}


def test_rates(quarter):
    values = indicators_compute(Q1)
    assert values["acceptance_pct"] == {"value": 66.7, "n": 6, "count": 4}
    assert values["decline_pct"] == {"value": 16.7, "n": 6, "count": 1}
    assert values["reorientation_pct"] == {"value": 14.3, "n": 7, "count": 1}
    # Expected: 7 minus cancelled and reoriented; closed with an answer: R1, R2.
    assert values["closed_loop_pct"] == {"value": 40.0, "n": 5, "count": 2}


def test_distribution_of_response_modes(quarter):
    assert value(indicators_compute(Q1), "response_modes") == {
        "teleexpertise_async": 2,
        "teleconsultation": 3,
        "hospital_orientation": 1,
    }


def test_members_partners_and_conventions_on_the_last_day(db):
    build_network()
    values = indicators_compute(Q1)
    assert value(values, "active_members") == 3
    assert sorted(value(values, "members_by_specialty").values()) == [1, 2]
    assert value(values, "partners") == 2
    assert value(values, "conventions_in_force") == 1
    assert value(values, "conventions_signed") == 1


def test_filters_by_specialty_requester_type_and_territory(quarter):
    def received(**kwargs):
        return value(indicators_compute(Q1, Filters(**kwargs)), "requests_received")

    assert received(specialty="dermatologie") == 1
    assert received(specialty="cardiologie") == 6
    assert received(requester_type="msp") == 1
    assert received(requester_type="cabinet") == 6
    assert received(departement="2A") == 1
    assert received(departement="45") == 6
    assert received(commune="45234") == 6
    assert received(commune="2A004", specialty="cardiologie") == 0


def test_empty_period_gives_no_rates_rather_than_zero(db):
    values = indicators_compute(Q1)
    assert value(values, "requests_received") == 0
    assert value(values, "triage_median_hours") is None
    assert value(values, "p2_within_due_pct") is None


def test_custom_period_and_year(quarter):
    day = parse_period("2026-02-02..2026-02-02")
    assert value(indicators_compute(day), "requests_received") == 7
    assert (
        value(indicators_compute(parse_period("2026-02-03..2026-03-31")), "requests_received") == 0
    )
    assert value(indicators_compute(parse_period("2026")), "requests_received") == 8


@pytest.mark.parametrize(
    ("text", "first", "last", "key"),
    [
        ("2026-Q3", date(2026, 7, 1), date(2026, 9, 30), "2026-Q3"),
        ("2026-T4", date(2026, 10, 1), date(2026, 12, 31), "2026-Q4"),
        ("2026", date(2026, 1, 1), date(2026, 12, 31), "2026"),
        ("2026-01-15..2026-02-20", date(2026, 1, 15), date(2026, 2, 20), "2026-01-15..2026-02-20"),
    ],
)
def test_period_parsing(text, first, last, key):
    period = parse_period(text)
    assert (period.first, period.last, period.key) == (first, last, key)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-Q5", "non reconnue"),
        ("T3", "non reconnue"),
        ("", "non reconnue"),
        ("2026-02-30..2026-03-01", "Date invalide"),
        ("2026-03-01..2026-02-01", "précède"),
        ("2020-01-01..2026-01-01", "trois ans"),
        ("1990", "hors des limites"),
    ],
)
def test_bad_periods_are_refused_in_french(text, message):
    with pytest.raises(PeriodError, match=message):
        parse_period(text)


def test_unknown_filters_are_refused(db):
    with pytest.raises(PeriodError, match="Spécialité inconnue"):
        clean_filters(specialty="astrologie")
    with pytest.raises(PeriodError, match="Type de demandeur"):
        clean_filters(requester_type="sorcier")
    assert clean_filters(commune="45234 Orléans").commune == "45234"


def test_constant_number_of_queries(db, django_assert_max_num_queries):
    build_quarter()
    build_network()
    with django_assert_max_num_queries(13) as small:
        indicators_compute(Q1)
    for _i in range(30):
        ReferralFactory(submitted_at=T0, status="triaged", priority="P2", triaged_at=T0)
    with django_assert_max_num_queries(len(small.captured_queries)):
        indicators_compute(Q1)


def test_every_indicator_is_documented():
    for ind in REGISTRY:
        assert ind.label and len(str(ind.description)) > 20, ind.code


def test_presentation_masks_small_counts_for_authority_only(quarter):
    values = indicators_compute(Q1)
    rows = {r.code: r for r in present(values, mask=True)}
    assert rows["requests_received"].display == "< 10"
    assert rows["requests_received"].value is None
    # A median on 6 cases and a rate on 3: masked too (they would point to a few patients).
    assert rows["triage_median_hours"].masked
    assert rows["p2_within_due_pct"].display == "< 10"
    exact = {r.code: r for r in present(values, mask=False)}
    assert exact["requests_received"].display == "7"
    assert exact["p2_within_due_pct"].display == "66,7 %"
    assert exact["triage_median_hours"].display == "3,5 h"
