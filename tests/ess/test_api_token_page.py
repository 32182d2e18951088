"""The page "Jetons d'API": a signed-in user lists, creates and revokes their own tokens."""

from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from ess.api_auth import token_issue
from ess.mfa import second_factor_mark
from ess.models import ApiToken
from tests.factories import UserFactory

PAGE = reverse("api_tokens")
ME = reverse("api:me")


def revoke_url(token) -> str:
    return reverse("api_token_revoke", args=[token.public_id])


def test_the_account_menu_links_to_the_page(client_for, requester):
    home = client_for(requester).get("/").text

    assert f'href="{PAGE}"' in home


def test_the_page_lists_the_users_own_tokens_only(client_for, requester, other_requester):
    mine, _ = token_issue(user=requester, name="Logiciel du cabinet", scope="read")
    token_issue(user=other_requester, name="Jeton d'un confrère", scope="read")
    ApiToken.objects.filter(pk=mine.pk).update(last_used_at=timezone.now())

    page = unescape(client_for(requester).get(PAGE).text)

    assert "Logiciel du cabinet" in page
    assert f"{mine.prefix}…" in page
    assert "Lecture seule" in page
    assert timezone.localtime(mine.expires_at).strftime("%d/%m/%Y") in page
    assert "jamais" not in page  # the last use is shown
    assert "Jeton d'un confrère" not in page


def test_a_new_token_is_shown_once_works_and_is_stored_hashed(
    client_for, api_client, requester, time_machine
):
    time_machine.move_to(timezone.now(), tick=False)
    client = client_for(requester)

    created = client.post(PAGE, {"name": "Script d'export", "scope": "read", "days": "30"})

    token = ApiToken.objects.get(user=requester)
    key = created.context["created"]["key"]
    assert created.status_code == 200
    assert "no-store" in created["Cache-Control"]
    assert f'value="{key}"' in created.text
    assert (token.name, token.scope) == ("Script d'export", "read")
    assert token.expires_at == timezone.now() + timedelta(days=30)
    assert token.key_hash == ApiToken.hash(key) and key not in token.key_hash
    assert key not in client.get(PAGE).text  # never shown again
    assert api_client.get(ME, HTTP_AUTHORIZATION=f"Token {key}").status_code == 200


def test_the_form_proposes_the_default_validity_and_read_only(client_for, requester, settings):
    settings.ESS_API_TOKEN_DAYS = 45

    form = client_for(requester).get(PAGE).context["form"]

    assert (form["days"].value(), form["scope"].value()) == (45, "read")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "scope": "read", "days": "30"}, "Ce champ est obligatoire."),
        ({"name": "x", "scope": "admin", "days": "30"}, "Sélectionnez un choix valide."),
        ({"name": "x", "scope": "read", "days": "400"}, "inférieure ou égale à 365"),
    ],
)
def test_a_wrong_form_creates_nothing_and_says_why(client_for, requester, data, message):
    response = client_for(requester).post(PAGE, data)

    assert response.status_code == 200
    assert message in unescape(response.text)
    assert response.context["created"] is None
    assert not ApiToken.objects.exists()


def test_a_session_without_a_totp_gets_no_token_even_when_signed_in_strongly(client, db):
    # A Pro Santé Connect session satisfies the second factor for pages, but a token outlives
    # the session: its owner needs an enrolled TOTP (ess/mfa.py).
    user = UserFactory(specialist=True, without_mfa=True)
    client.force_login(user, backend="ess.auth.EssAuthenticationBackend")
    session = client.session
    second_factor_mark(session, user, method="psc")
    session.save()

    page = client.get(PAGE)
    attempt = client.post(PAGE, {"name": "x", "scope": "read", "days": "30"})

    assert page.status_code == 200
    assert "exige la double authentification" in unescape(page.text)
    assert "exige la double authentification" in unescape(attempt.text)
    assert not ApiToken.objects.exists()


def test_revoking_asks_for_confirmation_then_stops_the_token(client_for, api_client, requester):
    token, key = token_issue(user=requester, name="Ancien script", scope="read_write")
    client = client_for(requester)

    confirm = client.get(revoke_url(token))
    token.refresh_from_db()
    assert confirm.status_code == 200
    assert "Révoquer ce jeton" in confirm.text
    assert token.revoked_at is None  # a GET changes nothing

    done = client.post(revoke_url(token), follow=True)

    token.refresh_from_db()
    assert token.revoked_at is not None
    assert done.redirect_chain[-1][0] == PAGE
    assert "Jeton « Ancien script » révoqué" in unescape(done.text)
    refused = api_client.get(ME, HTTP_AUTHORIZATION=f"Token {key}")
    assert refused.status_code == 401
    assert refused.json()["detail"] == "Jeton d'API révoqué."


def test_someone_elses_token_cannot_be_seen_or_revoked(client_for, requester, other_requester):
    token, _ = token_issue(user=other_requester, name="Le sien", scope="read")
    client = client_for(requester)

    assert client.get(revoke_url(token)).status_code == 404
    assert client.post(revoke_url(token)).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoking_twice_changes_nothing(client_for, requester):
    token, _ = token_issue(user=requester, name="Jeton", scope="read")
    client = client_for(requester)
    client.post(revoke_url(token))
    token.refresh_from_db()
    first = token.revoked_at

    again = client.post(revoke_url(token))

    token.refresh_from_db()
    assert again.status_code == 302
    assert token.revoked_at == first


def test_the_page_requires_sign_in(client, db):
    response = client.get(PAGE)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_reloading_the_page_that_showed_a_new_key_creates_no_second_token(client_for, requester):
    client = client_for(requester)
    once = client.get(PAGE).context["once"]
    data = {"name": "Script d'export", "scope": "read", "days": "30", "once": once}

    client.post(PAGE, data)
    again = client.post(PAGE, data)  # the browser's "send the form again"

    assert ApiToken.objects.filter(user=requester).count() == 1
    assert "Ce formulaire a déjà servi : rien de plus n'est créé." in unescape(again.text)
    assert again.context["created"] is None
