"""Immediate opinions through the API: `"immediate": true` with P1 during on-call hours."""

from datetime import timedelta

import pytest
from django.utils import timezone

from referrals.models import ImmediateAlert, Referral

LIST = "/api/v1/referrals/"


@pytest.fixture
def immediate_body(api_body):
    return {**api_body, "urgency": "P1", "immediate": True, "callback_phone": "0698765432"}


def test_during_on_call_hours_it_is_created_and_offered_to_the_first_on_call(
    api_client, requester, on_call, immediate_body
):
    api_client.force_authenticate(requester)

    response = api_client.post(LIST, immediate_body, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["immediate"] is True
    assert (body["status"], body["priority"], body["response_mode"]) == (
        "triaged",
        "P1",
        "teleexpertise_sync",
    )
    assert body["offered_to"]["id"] == str(on_call.first.public_id)
    assert body["immediate_request"] == {
        "callback_phone": "+33698765432",
        "mode": "",
        "video_url": "",
    }
    referral = Referral.objects.get()
    assert referral.channel == "api"
    assert ImmediateAlert.objects.filter(referral=referral, recipient=on_call.first).exists()
    assert api_client.get(f"{LIST}{referral.public_id}/").json() == body  # as read back


def test_the_callback_number_defaults_to_the_requesters_profile(
    api_client, requester, on_call, immediate_body
):
    requester.phone = "02 38 00 00 01"
    requester.save()
    api_client.force_authenticate(requester)
    del immediate_body["callback_phone"]

    response = api_client.post(LIST, immediate_body, format="json")

    assert response.status_code == 201
    assert response.json()["immediate_request"]["callback_phone"] == "+33238000001"


def test_outside_on_call_hours_it_is_refused_with_a_french_field_message(
    api_client, requester, on_call, immediate_body
):
    opens = timezone.now() + timedelta(days=1)
    on_call.shift.starts_at, on_call.shift.ends_at = opens, opens + timedelta(hours=4)
    on_call.shift.save()
    api_client.force_authenticate(requester)

    response = api_client.post(LIST, immediate_body, format="json")

    assert response.status_code == 400
    local = timezone.localtime(opens)
    [message] = response.json()["specialty"]
    assert f"la garde reprend le {local:%d/%m/%Y} à {local:%H:%M}" in message
    assert not Referral.objects.exists()


def test_an_immediate_opinion_is_p1_only(api_client, requester, on_call, immediate_body):
    api_client.force_authenticate(requester)

    response = api_client.post(LIST, {**immediate_body, "urgency": "P2"}, format="json")

    assert response.status_code == 400
    assert "urgency" in response.json()
    assert not Referral.objects.exists()


def test_without_a_callback_number_it_is_refused(api_client, requester, on_call, immediate_body):
    api_client.force_authenticate(requester)
    del immediate_body["callback_phone"]

    response = api_client.post(LIST, immediate_body, format="json")

    assert response.status_code == 400
    assert "callback_phone" in response.json()


def test_a_retry_with_the_same_idempotency_key_returns_the_first_and_alerts_once(
    api_client, requester, on_call, immediate_body
):
    api_client.force_authenticate(requester)

    first = api_client.post(LIST, immediate_body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    retry = api_client.post(LIST, immediate_body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    assert (first.status_code, retry.status_code) == (201, 200)
    assert first.json()["id"] == retry.json()["id"]
    assert Referral.objects.count() == 1
    assert ImmediateAlert.objects.count() == 1


def test_the_offered_specialist_takes_it_through_accept(
    api_client, requester, on_call, immediate_body
):
    api_client.force_authenticate(requester)
    created = api_client.post(LIST, immediate_body, format="json").json()
    api_client.force_authenticate(on_call.first)

    response = api_client.post(f"{LIST}{created['id']}/accept/", format="json")

    assert response.status_code == 200
    assert response.json()["status"] == "accepted"
