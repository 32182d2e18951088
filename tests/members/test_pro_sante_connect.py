"""Signing in with Pro Santé Connect, end to end against a real OpenID Connect provider on
loopback (tests/psc_provider.py): the platform's browser side is Django's test client, the
provider is reached over HTTP for discovery, token, JWKS and userinfo."""

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse

from ess.roles import Role
from members.models import User
from tests.factories import UserFactory
from tests.psc_provider import directory_entry, psc_claims, query_of

GP_RPPS = "19945000008"
GP_NATIONAL_ID = "8" + GP_RPPS
LOGIN = "/accounts/oidc/psc/login/"


@pytest.fixture
def gp_in_directory(db):
    return directory_entry(GP_RPPS, last_name="AUBRAC", first_name="Julien", commune_code="45234")


def sign_in_with_psc(client, psc, national_id=GP_NATIONAL_ID, **claims):
    """The professional clicks the button, authenticates at the provider and comes back: the
    platform's answer to the provider's redirect. Under `scope_all` the provider sends no email
    address (as PSC)."""
    claims = {"given_name": "Julien", "family_name": "Aubrac", "email": "", **claims}
    sub = f"psc-{national_id}"
    psc.set_professional(sub, psc_claims(national_id, **claims))
    leave = client.post(LOGIN)
    assert leave.status_code == 302
    assert leave.url.startswith(psc.url)
    back = psc.authorize(leave.url, sub)
    return client.get(back.removeprefix("http://testserver"), follow=True)


def test_the_button_shows_only_when_psc_is_configured(client, db, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {"psc": {"APPS": []}}
    page = client.get(reverse("account_login")).content.decode()
    assert "Pro Santé Connect" not in page
    assert client.post(LOGIN).status_code == 404


def test_the_authorisation_request_asks_for_eidas1_with_pkce_and_a_nonce(client, db, psc):
    page = client.get(reverse("account_login")).content.decode()
    assert "Se connecter avec Pro Santé Connect" in page

    first, second = (query_of(client.post(LOGIN).url) for _ in range(2))
    assert set(first["scope"].split()) == {"openid", "scope_all"}
    assert first["acr_values"] == "eidas1"
    assert first["code_challenge_method"] == "S256" and first["code_challenge"]
    assert first["redirect_uri"] == "http://testserver/accounts/oidc/psc/login/callback/"
    assert first["nonce"] and first["nonce"] != second["nonce"]
    assert first["state"] != second["state"]


def first_sign_in(client, psc, email="j.aubrac@cabinet-acacias.fr"):
    form = sign_in_with_psc(client, psc)
    assert form.redirect_chain[-1][0] == reverse("socialaccount_signup")
    assert "Pro Santé Connect vous a identifié : Julien AUBRAC. RPPS 19945000008." in " ".join(
        form.content.decode().split()
    )
    return client.post(reverse("socialaccount_signup"), {"email": email}, follow=True)


def test_a_gp_of_the_directory_gets_a_requester_account_and_lands_home(
    client, psc, gp_in_directory
):
    response = first_sign_in(client, psc)

    assert response.redirect_chain[-1][0] == reverse("home")
    user = User.objects.get(rpps=GP_RPPS)
    assert response.context["user"] == user
    assert (user.first_name, user.last_name, user.profession) == ("Julien", "AUBRAC", "medecin")
    assert user.email == "j.aubrac@cabinet-acacias.fr"
    assert user.roles == {Role.REQUESTER}
    assert SocialAccount.objects.get(user=user).uid == GP_NATIONAL_ID
    assert "AUBRAC" in response.content.decode()
    # The address is confirmed by a link; the sign-in does not wait for it.
    assert EmailAddress.objects.get(user=user).verified is False


def test_the_second_sign_in_finds_the_same_account(client, psc, gp_in_directory):
    first_sign_in(client, psc)
    client.logout()
    again = sign_in_with_psc(client, psc)
    assert again.redirect_chain[-1][0] == reverse("home")
    assert again.context["user"].rpps == GP_RPPS
    assert User.objects.filter(rpps=GP_RPPS).count() == 1
    assert SocialAccount.objects.count() == 1


def test_userinfo_as_a_signed_jwt_is_accepted(client, psc, gp_in_directory):
    psc.userinfo_format = "jwt"
    response = first_sign_in(client, psc)
    assert response.context["user"].rpps == GP_RPPS


def test_a_userinfo_jwt_with_a_bad_signature_is_refused(client, psc, gp_in_directory):
    psc.userinfo_format = "jwt-forged"
    response = sign_in_with_psc(client, psc)

    assert "la signature de vos informations professionnelles" in response.content.decode()
    assert not response.context["user"].is_authenticated
    assert not User.objects.filter(rpps=GP_RPPS).exists()


def test_an_existing_specialist_is_matched_by_rpps_and_needs_no_totp(client, db, psc):
    specialist = UserFactory(specialist=True, rpps="10003014565", email="cardio@exemple.fr")

    response = sign_in_with_psc(client, psc, national_id="810003014565")

    assert response.context["user"] == specialist
    # The PSC sign-in is the session's second factor: no code asked, staff pages open.
    assert response.redirect_chain[-1][0] == reverse("home")
    assert client.get(reverse("referrals:inbox")).status_code == 200
    assert SocialAccount.objects.get(user=specialist).uid == "810003014565"
    assert User.objects.count() == 1


def test_another_acr_is_refused(client, psc, gp_in_directory):
    response = sign_in_with_psc(client, psc, acr="eidas0")

    content = response.content.decode()
    assert "authentification forte" in content
    assert not response.context["user"].is_authenticated
    assert not User.objects.exists()


def test_a_professional_unknown_to_the_directory_is_refused(client, psc, db):
    response = sign_in_with_psc(client, psc, national_id="810100000009")

    assert response.status_code == 403
    assert "ne figure pas dans" in response.content.decode()
    assert not response.context["user"].is_authenticated
    assert not User.objects.exists()
    assert not SocialAccount.objects.exists()


def test_logout_ends_the_psc_session_too(client, psc, gp_in_directory):
    first_sign_in(client, psc)

    response = client.post(reverse("account_logout"))

    assert response.status_code == 302
    assert response.url.startswith(f"{psc.url}/oauth2/end_session?")
    query = query_of(response.url)
    assert query["post_logout_redirect_uri"] == "http://testserver/"
    assert query["id_token_hint"].count(".") == 2
    assert "_auth_user_id" not in client.session
