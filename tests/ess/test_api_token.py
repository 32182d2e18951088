"""API tokens: issued by `issue_api_token`, stored hashed, named, scoped, expiring, their last
use recorded and their reads audited."""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from ess.models import ApiToken, AuditEvent
from ess.roles import MFA_REQUIRED_ROLES
from referrals.models import Referral
from tests.factories import ReferralFactory, UserFactory

ME = reverse("api:me")


def issue(email: str, capsys, *options) -> str:
    call_command("issue_api_token", email, *options)
    return capsys.readouterr().out.strip()


def auth(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Token {token}"}


def test_a_token_is_printed_once_stored_hashed_and_authenticates(api_client, requester, capsys):
    token = issue(requester.email, capsys)

    stored = ApiToken.objects.get(user=requester)
    assert token not in (stored.key_hash, stored.prefix)
    assert stored.key_hash == ApiToken.hash(token)
    assert len(stored.key_hash) == 64 and stored.prefix == token[:8]
    response = api_client.get(ME, **auth(token))
    assert response.status_code == 200
    assert response.json()["email"] == requester.email
    assert response.json()["roles"] == ["requester"]


def test_the_command_sets_name_scope_and_validity(requester, capsys, time_machine):
    time_machine.move_to(timezone.now(), tick=False)

    issue(requester.email, capsys, "--name", "Logiciel du cabinet", "--scope", "read")
    issue(requester.email, capsys, "--days", "7")

    named, default = ApiToken.objects.order_by("pk")
    assert (named.name, named.scope) == ("Logiciel du cabinet", "read")
    assert named.expires_at == timezone.now() + timedelta(days=90)
    assert (default.name, default.scope) == ("Jeton émis en ligne de commande", "read_write")
    assert default.expires_at == timezone.now() + timedelta(days=7)


def test_the_default_validity_comes_from_the_setting(requester, capsys, settings, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    settings.ESS_API_TOKEN_DAYS = 30

    issue(requester.email, capsys)

    assert ApiToken.objects.get().expires_at == timezone.now() + timedelta(days=30)


@pytest.mark.parametrize("days", ["0", "366"])
def test_a_validity_out_of_bounds_is_refused(requester, days):
    with pytest.raises(CommandError, match="entre 1 et 365 jours"):
        call_command("issue_api_token", requester.email, "--days", days)

    assert not ApiToken.objects.exists()


def test_me_lists_every_role_of_the_caller(api_client, db, capsys):
    user = UserFactory(roles=["specialist", "manager"])
    token = issue(user.email, capsys)

    data = api_client.get(ME, **auth(token)).json()

    assert data["roles"] == ["manager", "specialist"]
    assert data["id"] == str(user.public_id)


def test_each_call_issues_a_new_token_and_earlier_ones_keep_working(api_client, requester, capsys):
    first, second = issue(requester.email, capsys), issue(requester.email, capsys)

    assert first != second
    for token in (first, second):
        assert api_client.get(ME, **auth(token)).status_code == 200


def test_an_unknown_address_is_refused(db):
    with pytest.raises(CommandError, match="Aucun compte"):
        call_command("issue_api_token", "personne@exemple.fr")


@pytest.mark.parametrize("role", sorted(MFA_REQUIRED_ROLES))
def test_no_token_for_a_staff_account_without_a_second_factor(role, db, capsys):
    user = UserFactory(**{role: True}, without_mfa=True)

    with pytest.raises(CommandError, match="exige la double authentification") as refused:
        call_command("issue_api_token", user.email)

    assert "application TOTP" in str(refused.value)
    assert capsys.readouterr().out == ""
    assert not ApiToken.objects.exists()


# Transactional: the command runs in its own process, which must see the account.
@pytest.mark.django_db(transaction=True)
def test_the_command_line_exits_non_zero_with_the_reason_in_french(postgres):
    user = UserFactory(coordinator=True, without_mfa=True)
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"

    result = subprocess.run(
        [sys.executable, "manage.py", "issue_api_token", user.email],
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, "DATABASE_URL": url, "DEBUG": "1"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode != 0
    assert result.stdout == ""
    assert "exige la double authentification" in result.stderr
    assert not ApiToken.objects.exists()


def test_a_staff_account_with_totp_gets_a_token(api_client, coordinator, capsys):
    token = issue(coordinator.email, capsys)

    assert api_client.get(ME, **auth(token)).status_code == 200


def test_a_wrong_revoked_or_expired_token_is_refused_in_french(
    api_client, requester, capsys, time_machine
):
    revoked, expired = issue(requester.email, capsys), issue(requester.email, capsys, "--days", "1")
    ApiToken.objects.filter(prefix=revoked[:8]).update(revoked_at=timezone.now())
    time_machine.move_to(timezone.now() + timedelta(days=1, seconds=1))

    answers = {
        value: api_client.get(ME, **auth(value))
        for value in (revoked, expired, "jeton-inconnu-0123456789")
    }

    assert {v.status_code for v in answers.values()} == {401}
    assert answers[revoked].json()["detail"] == "Jeton d'API révoqué."
    assert answers[expired].json()["detail"].startswith("Jeton d'API expiré depuis le ")
    assert answers["jeton-inconnu-0123456789"].json()["detail"] == "Jeton d'API invalide."


def test_demo_accounts_get_no_token_and_their_tokens_stop_working_off_demo(
    api_client, db, settings, capsys
):
    demo_user = UserFactory(requester=True, demo=True)
    settings.ESS_DEMO = True
    token = issue(demo_user.email, capsys)
    settings.ESS_DEMO = False

    with pytest.raises(CommandError, match="démonstration"):
        call_command("issue_api_token", demo_user.email)
    response = api_client.get(ME, **auth(token))
    assert response.status_code == 401


def test_a_demo_staff_account_gets_a_token_on_a_demo_instance(api_client, db, settings, capsys):
    settings.ESS_DEMO = True
    demo_coordinator = UserFactory(coordinator=True, demo=True)

    token = issue(demo_coordinator.email, capsys)

    assert api_client.get(ME, **auth(token)).status_code == 200


# ---------------------------------------------------------------------------------------------
# Scope
# ---------------------------------------------------------------------------------------------
def test_a_read_only_token_reads_but_cannot_submit_a_referral(
    api_client, requester, capsys, api_body
):
    token = issue(requester.email, capsys, "--scope", "read")

    listed = api_client.get("/api/v1/referrals/", **auth(token))
    submitted = api_client.post("/api/v1/referrals/", api_body, format="json", **auth(token))

    assert listed.status_code == 200
    assert submitted.status_code == 403
    assert "lecture seule" in submitted.json()["detail"]
    assert not Referral.objects.exists()


def test_a_read_write_token_submits_a_referral(api_client, requester, capsys, api_body):
    token = issue(requester.email, capsys, "--scope", "read_write")

    submitted = api_client.post("/api/v1/referrals/", api_body, format="json", **auth(token))

    assert submitted.status_code == 201
    assert Referral.objects.get().requester == requester


# ---------------------------------------------------------------------------------------------
# Last use and audit
# ---------------------------------------------------------------------------------------------
def test_the_last_use_is_recorded_at_most_once_a_minute(
    api_client, requester, capsys, time_machine
):
    time_machine.move_to(timezone.now(), tick=False)
    token = issue(requester.email, capsys)
    stored = ApiToken.objects.get()
    assert stored.last_used_at is None

    api_client.get(ME, **auth(token))
    first_use = timezone.now()
    time_machine.shift(timedelta(seconds=30))
    api_client.get(ME, **auth(token))
    stored.refresh_from_db()
    assert stored.last_used_at == first_use

    time_machine.shift(timedelta(seconds=31))
    api_client.get(ME, **auth(token))
    stored.refresh_from_db()
    assert stored.last_used_at == timezone.now()


def test_reads_through_a_token_name_the_token_in_the_audit_trail(
    api_client, client_for, coordinator, capsys
):
    referral = ReferralFactory()
    token = issue(coordinator.email, capsys)
    prefix = ApiToken.objects.get().prefix

    api_client.get(f"/api/v1/referrals/{referral.public_id}/", **auth(token))
    api_client.get("/api/v1/referrals/", **auth(token))
    client_for(coordinator).get(f"/api/v1/referrals/{referral.public_id}/")

    by_token, by_session = (
        list(AuditEvent.objects.filter(via=f"token:{prefix}")),
        list(AuditEvent.objects.filter(via="")),
    )
    assert [(e.actor, e.object_id) for e in by_token] == [
        (coordinator, str(referral.public_id))
    ] * 2
    assert [(e.actor, e.object_id) for e in by_session] == [(coordinator, str(referral.public_id))]


def test_the_audit_page_says_which_token_read_the_data(
    api_client, client_for, coordinator, manager, capsys
):
    referral = ReferralFactory()
    token = issue(coordinator.email, capsys)
    api_client.get(f"/api/v1/referrals/{referral.public_id}/", **auth(token))

    page = client_for(manager).get(reverse("audit_list")).text

    assert f"jeton d&#x27;API {token[:8]}…" in page


# ---------------------------------------------------------------------------------------------
# Tokens issued before names, scopes and expiry existed
# ---------------------------------------------------------------------------------------------
def test_existing_tokens_expire_ninety_days_after_their_creation(requester):
    from importlib import import_module

    migration = import_module("ess.migrations.0010_apitoken_name_scope_expiry")
    created = timezone.now() - timedelta(days=10)
    old = ApiToken.objects.create(
        user=requester,
        name="x",
        scope="read_write",
        key_hash="0" * 64,
        prefix="abcdefgh",
        expires_at=timezone.now(),
    )
    ApiToken.objects.filter(pk=old.pk).update(created_at=created)

    migration.fill_existing_tokens(apps, schema_editor=None)

    old.refresh_from_db()
    assert old.expires_at == created + timedelta(days=90)


def test_a_staff_token_stops_when_its_owner_removes_the_totp(api_client, specialist, capsys):
    token = issue(specialist.email, capsys)

    Authenticator.objects.filter(user=specialist).delete()

    response = api_client.get(ME, **auth(token))
    assert response.status_code == 403
    assert "activez la double authentification" in response.json()["detail"]
