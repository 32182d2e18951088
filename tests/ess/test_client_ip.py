"""The client's address: X-Forwarded-For is believed only from configured reverse proxies."""

import subprocess
import sys

import pytest
from django.test import Client
from django.urls import reverse

from ess.client_ip import client_ip
from ess.models import AuditEvent
from tests.conftest import signed_in
from tests.ess.test_settings_from_env import BASE_ENV, ROOT
from tests.factories import ReferralFactory

PROXY = "10.0.0.5"


def audited_read(client, referral, **headers) -> AuditEvent:
    response = client.get(reverse("referrals:detail", args=[referral.public_id]), **headers)
    assert response.status_code == 200
    return AuditEvent.objects.filter(object_id=str(referral.public_id)).latest("pk")


@pytest.fixture
def coordinator_client(coordinator):
    return signed_in(Client(REMOTE_ADDR=PROXY), coordinator)


def test_without_trusted_proxies_a_spoofed_forwarded_address_is_not_stored(
    coordinator_client, territory, settings
):
    settings.ESS_TRUSTED_PROXIES = []

    event = audited_read(
        coordinator_client, ReferralFactory(), HTTP_X_FORWARDED_FOR="198.51.100.66"
    )

    assert event.ip_address == PROXY


def test_behind_a_trusted_proxy_the_audit_stores_the_address_the_proxy_saw(
    coordinator_client, territory, settings
):
    settings.ESS_TRUSTED_PROXIES = ["10.0.0.0/24"]

    # The client wrote the left-most entry itself; the proxy appended what it saw.
    event = audited_read(
        coordinator_client,
        ReferralFactory(),
        HTTP_X_FORWARDED_FOR="198.51.100.66, 203.0.113.7",
    )

    assert event.ip_address == "203.0.113.7"


@pytest.mark.parametrize("header", ["not-an-ip", "203.0.113.7, <script>", ",,,", "999.1.1.1"])
def test_a_malformed_forwarded_header_never_breaks_an_audited_read(
    coordinator_client, territory, settings, header
):
    settings.ESS_TRUSTED_PROXIES = ["10.0.0.0/24"]

    event = audited_read(coordinator_client, ReferralFactory(), HTTP_X_FORWARDED_FOR=header)

    assert event.ip_address == PROXY


@pytest.mark.parametrize(
    ("remote", "forwarded", "trusted", "expected"),
    [
        # A client talking directly: its address, whatever it writes.
        ("203.0.113.7", "10.0.0.1", [], "203.0.113.7"),
        ("203.0.113.7", "10.0.0.1", ["10.0.0.0/8"], "203.0.113.7"),
        # Through one trusted proxy, then through two (the inner one also trusted).
        ("10.0.0.5", "203.0.113.7", ["10.0.0.5"], "203.0.113.7"),
        ("10.0.0.5", "1.2.3.4, 203.0.113.7, 10.0.0.9", ["10.0.0.0/8"], "203.0.113.7"),
        # No header: the proxy itself.
        ("10.0.0.5", "", ["10.0.0.5"], "10.0.0.5"),
        # Only proxies in the chain: the left-most one.
        ("10.0.0.5", "10.0.0.7, 10.0.0.6", ["10.0.0.0/8"], "10.0.0.7"),
        # Ports and brackets as some proxies write them; IPv6 normalised.
        ("10.0.0.5", "203.0.113.7:51234", ["10.0.0.5"], "203.0.113.7"),
        ("10.0.0.5", "[2001:DB8::1]:443", ["10.0.0.5"], "2001:db8::1"),
        ("::1", "2001:db8::1", ["::1"], "2001:db8::1"),
        # An IPv4 proxy seen through a dual-stack socket.
        ("::ffff:10.0.0.5", "203.0.113.7", ["10.0.0.5"], "203.0.113.7"),
        # Garbage where the proxy's entry should be: the connection's address.
        ("10.0.0.5", "203.0.113.7, unknown", ["10.0.0.5"], "10.0.0.5"),
        ("10.0.0.5", "2001:db8::zz", ["10.0.0.5"], "10.0.0.5"),
        # A zone index is dropped (PostgreSQL's inet would refuse it).
        ("fe80::1%eth0", "", [], "fe80::1"),
        # A server that gave no usable address.
        ("", "203.0.113.7", ["10.0.0.5"], None),
    ],
)
def test_client_ip_reads_the_forwarded_chain_from_the_right(
    rf, settings, remote, forwarded, trusted, expected
):
    settings.ESS_TRUSTED_PROXIES = trusted
    request = rf.get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)

    assert client_ip(request) == expected


def test_a_mistyped_trusted_proxy_stops_the_platform_at_start():
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={**BASE_ENV, "DEBUG": "1", "ESS_TRUSTED_PROXIES": "10.0.0.0/8,proxy.local"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode != 0
    assert "ESS_TRUSTED_PROXIES" in result.stderr


def test_public_form_limits_count_the_client_behind_the_proxy_not_the_proxy(
    settings, territory, db
):
    """allauth's rate limits key on the same address: two visitors behind the reverse proxy
    each get their own allowance, and a visitor cannot escape by writing the header himself."""
    settings.ESS_TRUSTED_PROXIES = [PROXY]
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "newsletter_subscribe": "1/h/ip",
    }
    url = reverse("projet_sante:subscribe")

    def subscribe(client, email, **headers):
        return client.post(url, {"email": email}, **headers).status_code

    proxy = Client(REMOTE_ADDR=PROXY)
    assert subscribe(proxy, "a@exemple.fr", HTTP_X_FORWARDED_FOR="203.0.113.1") == 200
    assert subscribe(proxy, "b@exemple.fr", HTTP_X_FORWARDED_FOR="203.0.113.1") == 429
    assert subscribe(proxy, "c@exemple.fr", HTTP_X_FORWARDED_FOR="203.0.113.2") == 200
    # A client connecting directly cannot reset its allowance with a forged header.
    direct = Client(REMOTE_ADDR="198.51.100.9")
    assert subscribe(direct, "d@exemple.fr", HTTP_X_FORWARDED_FOR="203.0.113.3") == 200
    assert subscribe(direct, "e@exemple.fr", HTTP_X_FORWARDED_FOR="203.0.113.4") == 429
