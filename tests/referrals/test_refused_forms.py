"""A refused action on a referral's page opens its folded section again, on its field."""

from django.urls import reverse

from tests.factories import ReferralFactory


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
