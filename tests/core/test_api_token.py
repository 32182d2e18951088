import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from ess.models import ApiToken
from tests.factories import UserFactory


def issue(email: str, capsys) -> str:
    call_command("issue_api_token", email)
    return capsys.readouterr().out.strip()


def test_a_token_is_printed_once_stored_hashed_and_authenticates(api_client, requester, capsys):
    token = issue(requester.email, capsys)

    stored = ApiToken.objects.get(user=requester)
    assert token not in (stored.key_hash, stored.prefix)
    assert stored.key_hash == ApiToken.hash(token)
    response = api_client.get(reverse("api:me"), HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200
    assert response.json()["email"] == requester.email
    assert response.json()["roles"] == ["requester"]


def test_me_lists_every_role_of_the_caller(api_client, db, capsys):
    user = UserFactory(roles=["specialist", "manager"])
    token = issue(user.email, capsys)

    data = api_client.get(reverse("api:me"), HTTP_AUTHORIZATION=f"Token {token}").json()

    assert data["roles"] == ["manager", "specialist"]
    assert data["id"] == str(user.public_id)


def test_each_call_issues_a_new_token_and_earlier_ones_keep_working(api_client, requester, capsys):
    first, second = issue(requester.email, capsys), issue(requester.email, capsys)

    assert first != second
    for token in (first, second):
        assert (
            api_client.get(reverse("api:me"), HTTP_AUTHORIZATION=f"Token {token}").status_code
            == 200
        )


def test_an_unknown_address_is_refused(db):
    with pytest.raises(CommandError, match="Aucun compte"):
        call_command("issue_api_token", "personne@exemple.fr")


def test_a_wrong_or_revoked_token_is_refused_in_french(api_client, requester, capsys):
    token = issue(requester.email, capsys)
    ApiToken.objects.update(revoked_at="2026-01-01T00:00Z")

    for value in (token, "jeton-inconnu-0123456789"):
        response = api_client.get(reverse("api:me"), HTTP_AUTHORIZATION=f"Token {value}")
        assert response.status_code == 401
        assert response.json()["detail"] == "Jeton d'API invalide ou révoqué."


def test_demo_accounts_get_no_token_and_their_tokens_stop_working_off_demo(
    api_client, db, settings, capsys
):
    demo_user = UserFactory(requester=True, demo=True)
    settings.ESS_DEMO = True
    token = issue(demo_user.email, capsys)
    settings.ESS_DEMO = False

    with pytest.raises(CommandError, match="démonstration"):
        call_command("issue_api_token", demo_user.email)
    response = api_client.get(reverse("api:me"), HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 401


def test_the_api_requires_authentication(api_client, db):
    assert api_client.get(reverse("api:me")).status_code in (401, 403)


def test_the_openapi_schema_and_docs_are_served(client, db):
    schema = client.get("/api/schema/")
    docs = client.get("/api/docs/")

    assert schema.status_code == 200
    assert b"/api/v1/me/" in schema.content
    assert docs.status_code == 200
    assert b"swagger" in docs.content.lower()
