"""The second factor over every way in (ess/mfa.py): each staff role × browser page, API with
the session, API with a token. Without an enrolled second factor: refused, and the refusal
carries no patient data; with TOTP: allowed. Demo accounts are exempt only while ESS_DEMO is on;
requesters never need a second factor."""

from datetime import timedelta

import pytest
from allauth.account.signals import authentication_step_completed
from allauth.mfa.models import Authenticator
from django.urls import reverse
from django.utils import timezone

from ess.models import ApiToken, TokenScope
from ess.roles import MFA_REQUIRED_ROLES
from tests.conftest import signed_in
from tests.factories import ReferralFactory, UserFactory

STAFF_ROLES = sorted(MFA_REQUIRED_ROLES)
WAYS_IN = ["page", "session_api", "token_api"]
# Roles that read the referral below when allowed: their bodies must then show the patient.
READERS = {"coordinator", "manager", "specialist", "requester"}
PATIENT_NAME = "ZORGLUBOVITCH"


def existing_token(user) -> str:
    """A token already in the database, as one issued before the owner lost (or before the
    platform required) a second factor: issue_api_token would refuse it today."""
    key = ApiToken.generate_key()
    ApiToken.objects.create(
        user=user,
        name="Intégration",
        scope=TokenScope.READ_WRITE,
        key_hash=ApiToken.hash(key),
        prefix=key[:8],
        expires_at=timezone.now() + timedelta(days=30),
    )
    return key


@pytest.fixture
def patient_referral(db):
    """A triaged cardiology referral: coordinators and managers read it, and so does any
    cardiologist (offered to the pool)."""
    return ReferralFactory(triaged=True, patient__birth_name=PATIENT_NAME)


@pytest.fixture
def visit(client, api_client, patient_referral):
    """visit(way, user, target): the response to `target` ("home" or "referral") through
    `way`, for `user` signed in the way that way needs."""

    def _visit(way, user, target):
        if way == "page":
            signed_in(client, user)
            url = "/" if target == "home" else reverse("referrals:detail", args=[_id()])
            return client.get(url)
        url = reverse("api:me") if target == "home" else f"/api/v1/referrals/{_id()}/"
        if way == "session_api":
            signed_in(client, user)
            return client.get(url)
        return api_client.get(url, HTTP_AUTHORIZATION=f"Token {existing_token(user)}")

    def _id():
        return patient_referral.public_id

    return _visit


def assert_refused(way, response):
    assert PATIENT_NAME not in response.content.decode()
    if way == "page":
        assert response.status_code == 302
        assert response.url == reverse("mfa_activate_totp")
    else:
        assert response.status_code == 403
        assert "activez la double authentification" in response.json()["detail"]


@pytest.mark.parametrize("way", WAYS_IN)
@pytest.mark.parametrize("role", STAFF_ROLES)
def test_staff_without_a_second_factor_are_refused_whatever_the_way_in(visit, role, way):
    user = UserFactory(**{role: True}, without_mfa=True)

    for target in ("home", "referral"):
        assert_refused(way, visit(way, user, target))


@pytest.mark.parametrize("way", WAYS_IN)
@pytest.mark.parametrize("role", STAFF_ROLES)
def test_staff_with_totp_are_let_in_whatever_the_way_in(visit, role, way):
    user = UserFactory(**{role: True})

    home = visit(way, user, "home")
    referral = visit(way, user, "referral")

    assert home.status_code == 200
    if role in READERS:
        assert referral.status_code == 200
        assert PATIENT_NAME in referral.content.decode()
    else:
        assert referral.status_code == 404


@pytest.mark.parametrize("way", WAYS_IN)
@pytest.mark.parametrize("role", STAFF_ROLES)
def test_on_a_demo_instance_a_staff_account_that_is_not_a_demo_account_still_needs_totp(
    visit, settings, role, way
):
    settings.ESS_DEMO = True
    user = UserFactory(**{role: True}, without_mfa=True)

    for target in ("home", "referral"):
        assert_refused(way, visit(way, user, target))


@pytest.mark.parametrize("way", WAYS_IN)
@pytest.mark.parametrize("role", STAFF_ROLES)
def test_demo_accounts_are_exempt_only_while_demo_is_on(visit, settings, role, way):
    user = UserFactory(**{role: True}, demo=True)
    settings.ESS_DEMO = True
    on = visit(way, user, "home")

    settings.ESS_DEMO = False
    off = [visit(way, user, target) for target in ("home", "referral")]

    assert on.status_code == 200
    if way == "page":
        assert on.context["user"] == user
    # Off demo, a demo account is not signed in at all: it sees the public front page, or is
    # sent to sign in, or gets 401/403.
    for response in off:
        assert response.status_code in (200, 302, 401, 403)
        assert PATIENT_NAME not in response.content.decode()
        if response.status_code == 200:
            assert response.context["user"].is_anonymous
        if response.status_code == 302:
            assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("way", WAYS_IN)
def test_requesters_never_need_a_second_factor(visit, patient_referral, way):
    requester = patient_referral.requester
    assert not Authenticator.objects.filter(user=requester).exists()

    home = visit(way, requester, "home")
    referral = visit(way, requester, "referral")

    assert home.status_code == 200
    assert referral.status_code == 200
    assert PATIENT_NAME in referral.content.decode()


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_removing_the_totp_stops_the_tokens_of_a_staff_account(db, api_client, role):
    user = UserFactory(**{role: True})
    key = existing_token(user)
    me = reverse("api:me")
    assert api_client.get(me, HTTP_AUTHORIZATION=f"Token {key}").status_code == 200

    Authenticator.objects.filter(user=user).delete()

    response = api_client.get(me, HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 403
    assert "activez la double authentification" in response.json()["detail"]


@pytest.mark.parametrize(("provider", "status"), [("psc", 200), ("autre-oidc", 403)])
def test_a_pro_sante_connect_sign_in_counts_as_the_second_factor_of_its_session(
    client, api_client, rf, db, provider, status
):
    # What allauth's OpenID Connect login announces once the provider has authenticated the user.
    user = UserFactory(specialist=True, without_mfa=True)
    client.force_login(user, backend="ess.auth.EssAuthenticationBackend")
    request = rf.get("/accounts/oidc/psc/login/callback/")
    request.session = client.session
    authentication_step_completed.send(
        sender=type(user),
        request=request,
        user=user,
        method="socialaccount",
        provider=provider,
        uid="810001234567",
    )
    request.session.save()

    assert client.get(reverse("api:me")).status_code == status
    # A token outlives the session: it still needs an enrolled TOTP.
    by_token = api_client.get(reverse("api:me"), HTTP_AUTHORIZATION=f"Token {existing_token(user)}")
    assert by_token.status_code == 403


def test_an_admin_account_without_a_role_needs_the_second_factor_too(client, db):
    # The Django admin reaches every table, patients included.
    admin = UserFactory(is_staff=True, is_superuser=True, without_mfa=True)
    signed_in(client, admin)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")
    assert (
        signed_in(client, UserFactory(is_staff=True, is_superuser=True)).get("/admin/").status_code
        == 200
    )
