"""The immediate-opinion indicators: requests, time to callback (median, 90th percentile), share
answered within 15 minutes, share escalated — on the page's figures, the API and the PDF."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from projet_sante.indicators.compute import indicators_compute
from projet_sante.indicators.periods import quarter_period
from projet_sante.indicators.reports import render_quarterly_report
from referrals import services
from scheduling.models import OnCallDuty, OnCallShift
from tests.factories import UserFactory, cardiology
from tests.projet_sante.indicators.test_reports import pdf_text
from tests.referrals.conftest import immediate_input

PARIS = ZoneInfo("Europe/Paris")
T = datetime(2026, 2, 3, 9, 0, tzinfo=PARIS)
Q1 = quarter_period(2026, 1)


def minutes(start, n: float):
    return start + timedelta(minutes=n)


@pytest.fixture
def immediate_opinions(db, time_machine):
    """Three immediate opinions on 3 February 2026:

    | ref | called back          | answered | escalated                        |
    | A   | 4 min, first on call | 10 min   | no                               |
    | B   | 12 min, the backup   | 20 min   | to the backup                    |
    | C   | never                | never    | to the backup, then coordination |
    """
    specialty = cardiology()
    first, backup = UserFactory(specialist=True), UserFactory(specialist=True)
    UserFactory(coordinator=True)
    shift = OnCallShift.objects.create(
        specialty=specialty, starts_at=T - timedelta(hours=1), ends_at=T + timedelta(hours=10)
    )
    OnCallDuty.objects.create(shift=shift, specialist=first, rank=1)
    OnCallDuty.objects.create(shift=shift, specialist=backup, rank=2)
    requester = UserFactory(requester=True)

    def ask(at):
        time_machine.move_to(at, tick=False)
        referral, _ = services.immediate_submit(
            by=requester, data=immediate_input(specialty), callback_phone="0698765432"
        )
        return referral

    def answer(referral, by, *, called_at, answered_at):
        time_machine.move_to(called_at, tick=False)
        services.immediate_acknowledge(referral_id=referral.pk, by=by)
        time_machine.move_to(answered_at, tick=False)
        services.referral_complete(referral_id=referral.pk, by=by, answer="Avis donné")

    a = ask(T)
    answer(a, first, called_at=minutes(T, 4), answered_at=minutes(T, 10))
    start_b = T + timedelta(hours=1)
    b = ask(start_b)
    services.immediate_escalate(referral_id=b.pk, now=minutes(start_b, 11))
    answer(b, backup, called_at=minutes(start_b, 12), answered_at=minutes(start_b, 20))
    start_c = T + timedelta(hours=2)
    c = ask(start_c)
    services.immediate_escalate(referral_id=c.pk, now=minutes(start_c, 11))
    services.immediate_escalate(referral_id=c.pk, now=minutes(start_c, 22))
    time_machine.move_to(T + timedelta(days=1), tick=False)
    return a, b, c


def test_the_figures_are_worked_out_by_the_database(immediate_opinions):
    values = indicators_compute(Q1)

    assert values["immediate_requests"] == {"value": 3, "n": 3}
    assert values["immediate_callback_median_minutes"] == {"value": 8.0, "n": 2}
    assert values["immediate_callback_p90_minutes"] == {"value": 11.2, "n": 2}
    assert values["immediate_answered_15min_pct"] == {"value": 33.3, "n": 3, "count": 1}
    assert values["immediate_escalated_pct"] == {"value": 66.7, "n": 3, "count": 2}


def test_the_api_gives_them_exact_to_managers_and_masked_to_the_authority(
    immediate_opinions, manager, authority, api_client
):
    api_client.force_authenticate(manager)
    data = api_client.get("/api/v1/indicators/", {"period": "2026-Q1"}).json()
    by_code = {i["code"]: i for i in data["indicators"]}
    assert by_code["immediate_callback_median_minutes"]["value"] == 8.0
    assert by_code["immediate_callback_median_minutes"]["unit"] == "minutes"

    api_client.force_authenticate(authority)
    data = api_client.get("/api/v1/indicators/", {"period": "2026-Q1"}).json()
    by_code = {i["code"]: i for i in data["indicators"]}
    assert (
        by_code["immediate_escalated_pct"]["value"],
        by_code["immediate_escalated_pct"]["masked"],
    ) == (None, True)


def test_the_quarterly_report_has_them_masked_under_the_threshold(immediate_opinions, settings):
    text, _pages = pdf_text(render_quarterly_report("2026-Q1"))

    assert "Avis immédiats" in text
    assert "Délai médian de rappel (avis immédiat)" in text
    assert "8,0 min" not in text  # three cases: under the small-count threshold

    settings.ESS_SMALL_COUNT_THRESHOLD = 2
    text, _pages = pdf_text(render_quarterly_report("2026-Q1"))
    assert "8,0 min" in text and "66,7 %" in text
