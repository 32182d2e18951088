"""A refused action on a referral's page opens its folded section again, on its field."""

from django.urls import reverse
from django.utils import timezone

from tests.factories import ReferralFactory, UserFactory


def test_a_cancellation_without_reason_reopens_other_actions_on_the_reason(client_for, requester):
    referral = ReferralFactory(requester=requester)

    response = client_for(requester).post(
        reverse("referrals:cancel", args=[referral.public_id]), {"reason": "  "}, follow=True
    )

    page = response.content.decode()
    assert '<details class="mb-4 requester-more-actions" open>' in page
    reason = page.split('name="reason"', 1)[1].split(">", 1)[0]
    assert 'aria-invalid="true"' in reason and "autofocus" in reason
    referral.refresh_from_db()
    assert referral.status == "submitted"


def test_a_feedback_with_one_answer_missing_keeps_the_answer_given(client_for, requester):
    referral = ReferralFactory(
        requester=requester,
        status="completed",
        specialist=UserFactory(specialist=True),
        answered_at=timezone.now(),
        closed_at=timezone.now(),
    )

    response = client_for(requester).post(
        reverse("referrals:feedback", args=[referral.public_id]), {"useful": "1"}, follow=True
    )

    page = response.content.decode()
    useful_yes = page.split('name="useful" value="1"', 1)[1].split(">", 1)[0]
    assert "checked" in useful_yes
    assert "avoided_visit-errors" in page
    referral.refresh_from_db()
    assert referral.feedback_useful is None
