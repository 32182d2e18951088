"""The benchmark's reference for the API submission (bench/api_reference.py) writes what the API
writes: otherwise the throughput ratio of bench/scale.py would compare unlike work."""

import json

import pytest
from django.apps import apps

from bench.api_reference import idempotency_key, same_writes, sample_payload
from referrals.models import Channel, Referral

LIST = "/api/v1/referrals/"


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def written(before: dict[str, int]) -> dict[str, int]:
    after = row_counts()
    return {label: after[label] - before[label] for label in after if after[label] != before[label]}


@pytest.fixture
def submit(api_client, requester, cardiology, territory):
    api_client.force_authenticate(requester)

    def post(payload):
        return api_client.post(
            LIST,
            json.dumps(payload),
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=idempotency_key(payload),
        )

    return post


def test_every_sample_payload_is_a_new_referral_for_the_api(submit):
    responses = [submit(sample_payload(i)) for i in (0, 1, 999_999, 1_000_000, 12_345_678)]

    assert [r.status_code for r in responses] == [201] * 5
    assert len({r.json()["patient"]["ins"] for r in responses}) == 5
    assert Referral.objects.filter(channel=Channel.API).count() == 5


def test_the_same_writes_write_the_rows_the_api_writes(submit, requester):
    submit(sample_payload(1))  # the reference counter of the year exists from now on
    before = row_counts()
    assert submit(sample_payload(2)).status_code == 201
    by_api = written(before)

    before = row_counts()
    referral = same_writes(requester, sample_payload(3))
    by_reference = written(before)

    assert by_api == by_reference
    assert set(by_api) == {
        "referrals.Patient",
        "referrals.Referral",
        "referrals.ReferralEvent",
        "referrals.IdempotencyKey",
        "ess.OutboundTask",
    }
    api_referral = Referral.objects.exclude(pk=referral.pk).latest("pk")
    fields = ("status", "channel", "urgency_requested", "specialty_id", "requester_id")
    assert [getattr(referral, f) for f in fields] == [getattr(api_referral, f) for f in fields]
