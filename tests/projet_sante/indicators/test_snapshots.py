"""An ended quarter is computed once: its first read freezes it (page, CSV, PDF), the trend reads
frozen quarters and queues the missing ones, `manage.py snapshot_indicators` freezes on demand."""

from datetime import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from projet_sante.indicators.models import IndicatorSnapshot
from projet_sante.indicators.periods import Filters, quarter_period
from projet_sante.indicators.reports import render_quarterly_report
from projet_sante.indicators.selectors import requests_trend
from tests.factories import ReferralFactory
from tests.projet_sante.indicators.data import PARIS, T0, build_network, build_quarter
from tests.projet_sante.indicators.test_reports import pdf_text

pytestmark = pytest.mark.django_db
URL = reverse("projet_sante:indicators")
CSV_URL = reverse("projet_sante:indicators_csv")
Q1 = quarter_period(2026, 1)


@pytest.fixture
def quarter(db):
    build_network()
    return build_quarter()


def test_the_first_read_of_an_ended_quarter_freezes_it(manager, client_for, quarter):
    client = client_for(manager)
    assert (
        client.get(URL, {"periode": "2026-Q1"}).context["by_code"]["requests_received"].value == 7
    )
    assert IndicatorSnapshot.objects.filter(period_key="2026-Q1", filters_key="").count() == 1

    ReferralFactory(submitted_at=T0)  # back-dated after the fact: the quarter stays as read
    response = client.get(URL, {"periode": "2026-Q1"})
    assert response.context["figures"].from_snapshot
    assert response.context["by_code"]["requests_received"].value == 7
    csv = client.get(CSV_URL, {"periode": "2026-Q1"}).getvalue().decode("utf-8-sig")
    assert "instantané figé" in csv
    assert "requests_received;Demandes reçues;;7;" in csv
    assert IndicatorSnapshot.objects.filter(period_key="2026-Q1").count() == 1


def test_a_filtered_read_freezes_its_own_figures(manager, client_for, quarter):
    response = client_for(manager).get(URL, {"periode": "2026-Q1", "specialite": "cardiologie"})

    assert response.status_code == 200
    snapshot = IndicatorSnapshot.objects.get(period_key="2026-Q1")
    assert Filters.from_key(snapshot.filters_key) == Filters(specialty="cardiologie")
    assert snapshot.values["requests_received"]["value"] == 6  # R6 is dermatology


def test_the_quarterly_pdf_freezes_the_quarter_it_reports(quarter):
    text, _pages = pdf_text(render_quarterly_report("2026-Q1"))
    assert "Demandes reçues" in text

    snapshot = IndicatorSnapshot.objects.get(period_key="2026-Q1", filters_key="")
    assert snapshot.values["requests_received"]["value"] == 7
    # Rendered in the background: the quarters of its trend are frozen with it.
    assert IndicatorSnapshot.objects.count() == 8
    ReferralFactory(submitted_at=T0)
    render_quarterly_report("2026-Q1")
    assert IndicatorSnapshot.objects.count() == 8
    again = IndicatorSnapshot.objects.get(period_key="2026-Q1")
    assert again == snapshot and again.values["requests_received"]["value"] == 7


def test_the_current_quarter_is_never_frozen(manager, client_for, quarter):
    client_for(manager).get(URL)
    assert not IndicatorSnapshot.objects.exists()


def test_the_trend_reads_snapshots_and_queues_the_missing_ones(
    quarter, django_capture_on_commit_callbacks, django_assert_num_queries
):
    with django_capture_on_commit_callbacks(execute=True) as queued:
        trend = dict((p.key, v["value"]) for p, v in requests_trend(Q1))
    assert trend["2026-Q1"] == 7 and trend["2025-Q4"] == 0
    assert len(queued) == 8  # the eight ended quarters, frozen in the background
    assert IndicatorSnapshot.objects.filter(filters_key="").count() == 8

    ReferralFactory(submitted_at=T0)
    with django_assert_num_queries(1):  # the snapshots: no referral is read
        again = dict((p.key, v["value"]) for p, v in requests_trend(Q1))
    assert again == trend

    IndicatorSnapshot.objects.all().delete()
    with django_capture_on_commit_callbacks() as queued:
        requests_trend(Q1)
    assert not queued  # queued a moment ago: not again before the worker is done


def test_the_command_freezes_ended_quarters_once(quarter, time_machine):
    time_machine.move_to(datetime(2026, 7, 2, 9, 0, tzinfo=PARIS))
    out = StringIO()

    call_command("snapshot_indicators", "--since", "2026-Q1", stdout=out)
    call_command("snapshot_indicators", stdout=out)

    assert sorted(IndicatorSnapshot.objects.values_list("period_key", flat=True)) == [
        "2026-Q1",
        "2026-Q2",
    ]
    lines = out.getvalue().splitlines()
    assert lines == [
        "2026-Q1 : figé (7 demandes reçues)",
        "2026-Q2 : figé (1 demandes reçues)",
        "2026-Q2 : déjà figé (1 demandes reçues)",
    ]
    with pytest.raises(CommandError):
        call_command("snapshot_indicators", "--period", "2026-Q3", stdout=out)


def test_filters_read_back_from_their_key():
    filters = Filters(specialty="cardiologie", departement="2A")
    assert Filters.from_key(filters.key) == filters
    assert Filters.from_key("") == Filters()
