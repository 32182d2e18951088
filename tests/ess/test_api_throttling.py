"""API rate limits, counted in the real Redis the web workers share."""

import uuid

import pytest
import redis
from django.test import Client
from django.urls import reverse

from tests.conftest import signed_in as conftest_signed_in


@pytest.fixture
def shared_cache(settings, redis_url):
    """The production cache: Redis. A key prefix of its own keeps this test's counters apart."""
    prefix = f"throttle-test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": prefix,
        }
    }
    server = redis.Redis.from_url(redis_url)
    yield server, prefix
    for key in server.scan_iter(f"{prefix}:*"):
        server.delete(key)


@pytest.fixture
def rates(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"user": "3/min", "anon": "2/min"},
    }


def signed_in(user) -> Client:
    return conftest_signed_in(Client(REMOTE_ADDR="203.0.113.10"), user)


def test_a_signed_in_caller_is_limited_per_account_with_a_french_429(
    shared_cache, rates, requester, other_requester
):
    server, prefix = shared_cache
    client = signed_in(requester)

    statuses = [client.get(reverse("api:me")).status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    refused = client.get(reverse("api:me"))
    assert refused.status_code == 429
    assert refused.json()["detail"].startswith("Trop de requêtes vers l'API")
    assert "Réessayez dans" in refused.json()["detail"]
    assert 0 < int(refused["Retry-After"]) <= 60
    # Another account from the same address has its own allowance.
    assert signed_in(other_requester).get(reverse("api:me")).status_code == 200
    # The counter is in Redis, where every web worker sees it.
    assert list(server.scan_iter(f"{prefix}:*throttle_user_{requester.pk}"))


def test_anonymous_callers_are_limited_per_address(shared_cache, rates, db):
    first, second = Client(REMOTE_ADDR="203.0.113.1"), Client(REMOTE_ADDR="203.0.113.2")
    docs = reverse("api_docs")

    assert [first.get(docs).status_code for _ in range(3)] == [200, 200, 429]
    assert second.get(docs).status_code == 200
    assert "Trop de requêtes" in first.get(docs).text


def test_behind_the_trusted_proxy_each_client_has_its_own_allowance(
    shared_cache, rates, settings, db
):
    settings.ESS_TRUSTED_PROXIES = ["10.0.0.5"]
    proxy = Client(REMOTE_ADDR="10.0.0.5")
    docs = reverse("api_docs")

    def get(client_address):
        return proxy.get(docs, HTTP_X_FORWARDED_FOR=client_address).status_code

    assert [get("203.0.113.1") for _ in range(3)] == [200, 200, 429]
    assert get("203.0.113.2") == 200
    # Writing another address to the left of the proxy's entry changes nothing.
    assert proxy.get(docs, HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.1").status_code == 429
