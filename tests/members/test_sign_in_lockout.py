"""Failed sign-ins are throttled per account *and* source address, and per address: a stranger's
wrong passwords stop the stranger, never the account's owner (ess/auth.py)."""

from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

STRANGER = "203.0.113.66"
OWNER = "198.51.100.20"
TOO_MANY = "Trop de tentatives de connexion échouées"


def sign_in(client, email, password, address):
    return client.post(
        reverse("account_login"), {"login": email, "password": password}, REMOTE_ADDR=address
    )


def test_a_strangers_wrong_passwords_do_not_lock_the_coordinator_out(coordinator):
    stranger, owner = Client(), Client()
    for _ in range(5):
        refused = sign_in(stranger, coordinator.email, "mauvais-mot-de-passe", STRANGER)
        assert TOO_MANY not in refused.text

    guessed = sign_in(stranger, coordinator.email, PASSWORD, STRANGER)
    signed_in = sign_in(owner, coordinator.email, PASSWORD, OWNER)

    # The stranger's address is throttled, even with the right password...
    assert guessed.status_code == 200
    assert TOO_MANY in guessed.text
    # ...while the owner, from theirs, goes on to the second factor.
    assert signed_in.status_code == 302
    assert signed_in.url == reverse("mfa_authenticate")


def test_the_owners_own_failures_from_their_address_still_count(requester):
    owner = Client()
    for _ in range(5):
        sign_in(owner, requester.email, "mauvais-mot-de-passe", OWNER)

    response = sign_in(owner, requester.email, PASSWORD, OWNER)

    assert TOO_MANY in response.text
    assert owner.get("/demandes/").status_code == 302


def test_one_address_is_throttled_across_every_account(db):
    victims = UserFactory.create_batch(11, requester=True)
    stranger, owner = Client(), Client()
    for victim in victims[:10]:
        sign_in(stranger, victim.email, "mauvais-mot-de-passe", STRANGER)

    blocked = sign_in(stranger, victims[10].email, PASSWORD, STRANGER)
    allowed = sign_in(owner, victims[10].email, PASSWORD, OWNER)

    assert TOO_MANY in blocked.text
    assert stranger.get("/demandes/").status_code == 302
    assert allowed.status_code == 302
    assert owner.get("/demandes/").status_code == 200
