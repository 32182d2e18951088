"""Text in a JSON body follows the rule of query parameters and form fields: no control
character but tab and line breaks, and only real text (no half of a UTF-16 surrogate pair).
Refused with a French 400 on every endpoint, before any view runs; never a server error."""

import json

import pytest

from referrals.models import Referral
from tests.factories import ReferralFactory

CONTROL = "contient un caractère de contrôle"
NOT_UTF8 = "La requête contient du texte qui n'est pas encodé en UTF-8 : elle a été refusée."


def post_json(api_client, url, body):
    return api_client.generic("POST", url, json.dumps(body), content_type="application/json")


def test_a_nul_byte_in_a_looked_up_code_is_a_400_not_a_server_error(
    api_client, requester, api_body
):
    api_client.force_authenticate(requester)

    response = post_json(api_client, "/api/v1/referrals/", {**api_body, "specialty": "cardio\0"})

    assert response.status_code == 400
    assert response.json() == {
        "detail": "Le paramètre « specialty » contient un caractère de contrôle (octet nul ou "
        "caractère invisible) : la requête a été refusée."
    }
    assert not Referral.objects.exists()


@pytest.mark.parametrize("text", ["Jeanne\0", "Jeanne\x1b[2J", "Jeanne\x85"])
def test_a_control_character_deep_in_the_body_names_its_field(
    api_client, requester, api_body, text
):
    api_client.force_authenticate(requester)
    body = {**api_body, "patient": {**api_body["patient"], "first_names": text}}

    response = post_json(api_client, "/api/v1/referrals/", body)

    assert response.status_code == 400
    assert "« patient.first_names »" in response.json()["detail"]
    assert CONTROL in response.json()["detail"]
    assert not Referral.objects.exists()


def test_a_control_character_in_a_key_is_refused_without_echoing_it(
    api_client, requester, api_body
):
    api_client.force_authenticate(requester)

    response = post_json(api_client, "/api/v1/referrals/", {**api_body, "x\0y": "1"})

    assert response.status_code == 400
    assert "« ? »" in response.json()["detail"]


def test_half_a_surrogate_pair_is_not_text(api_client, requester, api_body):
    api_client.force_authenticate(requester)

    response = post_json(
        api_client, "/api/v1/referrals/", {**api_body, "specialty": "cardio\udc00"}
    )

    assert response.status_code == 400
    assert response.json() == {"detail": NOT_UTF8}
    assert not Referral.objects.exists()


def test_a_transition_refuses_it_and_changes_nothing(api_client, requester):
    referral = ReferralFactory(requester=requester)
    api_client.force_authenticate(requester)

    response = post_json(
        api_client, f"/api/v1/referrals/{referral.public_id}/cancel/", {"reason": "Vu\0"}
    )

    assert response.status_code == 400
    referral.refresh_from_db()
    assert referral.status == "submitted"


def test_tabs_line_breaks_emoji_and_accents_pass(api_client, requester, api_body):
    api_client.force_authenticate(requester)
    question = "Palpitations\tà l'effort ;\r\nsyncope ? 🫀 «\u00a0avis\u00a0»"

    response = post_json(api_client, "/api/v1/referrals/", {**api_body, "question": question})

    assert response.status_code == 201, response.json()
    assert Referral.objects.get().question == question
