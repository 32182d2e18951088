"""The demo's immediate opinions: played through the services at their past moments, each
answered, some escalated; the indicators have figures; seeding again adds nothing."""

import pytest
from django.utils import timezone

from ess.demo import seed_accounts, seed_team
from ess.models import OutboundSms
from projet_sante.indicators.compute import indicators_compute
from projet_sante.indicators.periods import Period
from referrals.demo import seed_immediate_opinions
from referrals.demo.immediate import load
from referrals.models import ImmediateAlert, ImmediateRequest, Referral, Status


@pytest.fixture
def demo_users(db, settings, territory):
    settings.ESS_DEMO = True
    seed_team()
    return seed_accounts()


def test_the_demo_year_of_immediate_opinions_is_answered_and_seeded_once(demo_users):
    before = timezone.now()
    assert seed_immediate_opinions(demo_users) == load().timing.count
    assert seed_immediate_opinions(demo_users) == 0

    referrals = Referral.objects.filter(immediate=True)
    assert referrals.count() == load().timing.count
    assert {r.status for r in referrals} == {Status.COMPLETED}
    assert all(r.submitted_at < before and r.act for r in referrals)
    assert not ImmediateRequest.objects.filter(next_alert_at__isnull=False).exists()
    assert ImmediateAlert.objects.filter(level=3, recipient=None).exists()
    assert not OutboundSms.objects.filter(sent_at=None).exists()

    first = referrals.order_by("submitted_at").first().submitted_at
    year = Period(timezone.localdate(first), timezone.localdate(before), "demo", "custom")
    values = indicators_compute(year, now=before)
    assert values["immediate_requests"]["value"] == load().timing.count
    assert 0 < values["immediate_callback_median_minutes"]["value"] < 15
    assert 0 < values["immediate_escalated_pct"]["value"] < 50
    # Answered within 15 minutes: the callback plus the answer's few minutes, most of the time.
    assert values["immediate_answered_15min_pct"]["value"] > 50
