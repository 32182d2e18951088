"""The demo's referrals are played through the services: each one's history is the workflow's,
dated in the past, with what the real triage, notifications and outbox leave behind."""

from datetime import timedelta
from itertools import pairwise

import pytest
from django.utils import timezone

from ess.demo_data import DemoDataError
from ess.models import Notification, OutboundEmail
from referrals.demo.data import DATA_FILE, load
from referrals.models import TRANSITIONS, Referral, ReferralEvent, Status, priority_delay
from tests.shared_data import reads_shared


@pytest.fixture
def demo_referrals(shared_data, settings):
    """The demo's team and accounts, then its referrals (seed_team, seed_accounts, the time,
    seed_referrals): built once for the tests marked with the shared layer "demo_referrals"."""
    settings.ESS_DEMO = True
    seeded = shared_data["demo_referrals"]
    return seeded.users, seeded.before


@reads_shared("demo_referrals")
def test_every_demo_referral_reached_its_status_through_recorded_transitions(demo_referrals):
    _users, before = demo_referrals
    referrals = Referral.objects.prefetch_related("events")
    assert referrals.count() == load().year.referrals
    assert {Status.SUBMITTED, Status.TRIAGED, Status.ACCEPTED, Status.COMPLETED} <= {
        r.status for r in referrals
    }
    for referral in referrals:
        events = list(referral.events.all())
        assert all(e.at <= before for e in events), referral.reference
        moves = [e for e in events if e.to_status]
        assert (moves[0].from_status, moves[0].to_status) == ("", Status.SUBMITTED)
        assert moves[0].at == referral.submitted_at
        for previous, move in pairwise(moves):
            assert move.from_status == previous.to_status, referral.reference
            assert move.to_status in TRANSITIONS[move.from_status], referral.reference
        assert moves[-1].to_status == referral.status, referral.reference
        assert referral.updated_at <= before
    # Submitted one after the other: references follow the calendar.
    rows = list(Referral.objects.order_by("pk").values_list("submitted_at", "reference"))
    assert rows == sorted(rows)


@reads_shared("demo_referrals")
def test_demo_referrals_have_the_due_and_escalation_times_of_their_priority(
    demo_referrals,
):
    """Set at triage, else the provisional ones of the urgency asked for."""
    triaged = Referral.objects.exclude(triaged_at=None)
    assert triaged.count() > 200
    for referral in triaged:
        delay = priority_delay(referral.priority)
        assert referral.due_at == referral.submitted_at + delay
        assert referral.escalate_at == referral.submitted_at + delay * 0.75
    untriaged = Referral.objects.filter(triaged_at=None)
    assert untriaged.exists()
    for referral in untriaged:
        delay = priority_delay(referral.urgency_requested)
        assert referral.due_at == referral.submitted_at + delay
        assert referral.escalate_at == referral.submitted_at + delay * 0.75
    # Still waiting past their due time: the periodic escalation has told the coordinators.
    overdue = Referral.objects.filter(
        status__in=[Status.TRIAGED, Status.ACCEPTED], due_at__lt=timezone.now()
    )
    assert overdue.exists()
    assert all(r.escalation_level == 100 for r in overdue)


@reads_shared("demo_referrals")
def test_the_demo_past_has_notified_people_and_sent_its_emails(demo_referrals):
    users, before = demo_referrals
    coordinator = users["coordination"]
    assert Notification.objects.filter(recipient=coordinator, kind="referral_new").count() == (
        Referral.objects.count()
    )
    assert OutboundEmail.objects.exists()
    # The emails of the past were delivered then; only today's escalations wait for delivery.
    assert not OutboundEmail.objects.filter(sent_at=None, created_at__lt=before).exists()
    week_ago = before - timedelta(days=7)
    assert not Notification.objects.filter(created_at__lt=week_ago, read_at=None).exists()
    assert Notification.objects.filter(read_at=None).exists()
    assert not ReferralEvent.objects.filter(at__gt=before).exists()


def test_the_demo_data_file_is_valid():
    data = load()

    assert len(data.cases) >= 15
    assert sum(spec.count for spec in data.pending) < data.year.referrals


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ('modes = ["teleexpertise_async"]', 'modes = ["teleexpertize"]'),
            "cases[0].modes: unknown 'teleexpertize'",
        ),
        (('stage = "submitted"', 'stage = "sent"'), "pending[0].stage: unknown 'sent'"),
        (("{Patient} de {age} ans", "{Patient} de {agee} ans"), "unknown placeholder {agee}"),
        (("count = 3", 'count = "three"'), "pending[0].count: expected int"),
        (("ramp = 0.45", "rampe = 0.45"), "year: unknown key 'rampe'"),
        (("seed = 2026\n", ""), "year: missing key 'seed'"),
        (("ages = [22, 70]", "ages = [22]"), "cases[0].ages: expected 2 items"),
        ((", P4 = [4, 72]", ""), "delays.accept: one entry per priority"),
        (("[year]", "[year"), "not valid TOML"),
    ],
)
def test_a_malformed_demo_data_entry_is_refused_with_where_and_why(tmp_path, change, message):
    text = DATA_FILE.read_text(encoding="utf-8")
    old, new = change
    assert old in text
    broken = tmp_path / "data.toml"
    broken.write_text(text.replace(old, new, 1), encoding="utf-8")

    with pytest.raises(DemoDataError) as error:
        load(broken)

    assert message in str(error.value)
