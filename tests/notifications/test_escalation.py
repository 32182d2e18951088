"""SLA escalation: at 75 % of the due time and past it, coordinators are told once each."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from ess.models import Notification
from referrals import services
from referrals.tasks import escalate_referrals
from tests.factories import ReferralFactory


def triaged(coordinator, hours_ago: float, priority="P1"):
    referral = ReferralFactory(submitted_at=timezone.now() - timedelta(hours=hours_ago))
    services.referral_triage(
        referral_id=referral.pk,
        by=coordinator,
        priority=priority,
        response_mode="urgent_consultation",
    )
    return referral


def escalations(coordinator) -> list[str]:
    return list(
        Notification.objects.filter(recipient=coordinator, kind__startswith="sla")
        .values_list("kind", flat=True)
        .order_by("pk")
    )


def test_each_threshold_is_escalated_once(db, coordinator, time_machine):
    referral = triaged(coordinator, hours_ago=1)  # P1: 24 h, 75 % at 18 h

    assert escalate_referrals.apply().get() == 0
    time_machine.move_to(referral.submitted_at + timedelta(hours=19))
    assert escalate_referrals.apply().get() == 1
    assert escalate_referrals.apply().get() == 0
    time_machine.move_to(referral.submitted_at + timedelta(hours=25))
    assert escalate_referrals.apply().get() == 1
    assert escalate_referrals.apply().get() == 0

    assert escalations(coordinator) == ["sla_nearing", "sla_overdue"]
    referral.refresh_from_db()
    assert referral.escalation_level == 100


def test_answered_or_scheduled_cases_are_not_escalated(db, coordinator, specialist):
    answered = triaged(coordinator, hours_ago=30)
    services.referral_accept(referral_id=answered.pk, by=specialist)
    services.referral_complete(
        referral_id=answered.pk, by=specialist, answer="Avis", consultation_needed=True
    )
    closed = triaged(coordinator, hours_ago=30)
    services.referral_reorient(referral_id=closed.pk, by=coordinator, target="CHU", reason="Grave")

    assert escalate_referrals.apply().get() == 0
    assert escalations(coordinator) == []


def test_escalations_are_urgent_and_visible_on_the_dashboard(db, coordinator, client_for):
    referral = triaged(coordinator, hours_ago=30)

    escalate_referrals.apply()

    assert Notification.objects.get(recipient=coordinator, kind="sla_overdue").urgent
    page = client_for(coordinator).get(reverse("referrals:dashboard")).text
    assert referral.reference in page
    assert "escaladée : en retard" in page


def test_retriage_restarts_the_escalation_clock(db, coordinator, time_machine):
    referral = triaged(coordinator, hours_ago=20)
    escalate_referrals.apply()

    services.referral_triage(
        referral_id=referral.pk, by=coordinator, priority="P4", response_mode="teleexpertise_async"
    )

    referral.refresh_from_db()
    assert referral.escalation_level == 0
    assert escalate_referrals.apply().get() == 0
