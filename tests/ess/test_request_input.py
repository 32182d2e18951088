"""Control characters and broken encodings in the input are refused in one place, before any
view runs: 400 with a French message, JSON for the API and FHIR, nothing written."""

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from projet_sante.newsletter.models import Subscriber
from referrals.models import Message
from tests.factories import ReferralFactory

CONTROL_MESSAGE = "contient un caractère de contrôle"


def test_a_nul_byte_in_the_anonymous_commune_search_is_a_400_in_french(client, db):
    response = client.get("/communes/options/?q=or%00l")

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "Requête refusée" in response.text
    assert "Le paramètre « q » contient un caractère de contrôle" in response.text


def test_the_same_search_without_the_nul_byte_still_works(client, territory):
    response = client.get("/communes/options/?q=orl")

    assert response.status_code == 200
    assert "Orléans" in response.text


@pytest.mark.parametrize(
    "query",
    [
        "q=a%01b",  # C0 control
        "q=a%1Bb",  # escape
        "q=a%7Fb",  # DEL
        "q=a%C2%85b",  # C1 control (NEL), UTF-8 encoded
        "q=a%0Ab",  # a line break has no place in a query parameter
        "q=a%09b",  # nor a tab
        "ok=1&q%00=1",  # in a parameter's name
        "q=a\x00b",  # not even percent-encoded
    ],
)
def test_every_control_character_in_a_query_parameter_is_refused(client, db, query):
    response = client.get(f"/communes/options/?{query}")

    assert response.status_code == 400
    assert CONTROL_MESSAGE in response.text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("q=100%", "encodage invalide"),
        ("q=%zz", "encodage invalide"),
        ("q=%ff%fe", "pas encodé en UTF-8"),
        ("q=%C3", "pas encodé en UTF-8"),
    ],
)
def test_a_broken_encoding_is_refused_with_a_french_message(client, db, query, message):
    response = client.get(f"/communes/options/?{query}")

    assert response.status_code == 400
    assert message in response.text


def test_a_query_string_longer_than_any_page_builds_is_refused(client, db):
    response = client.get("/communes/options/?q=" + "Orléans" * 1000)

    assert response.status_code == 400
    assert "Les paramètres de la requête sont trop longs" in response.text


def test_a_long_query_string_within_the_limit_passes(client, territory):
    response = client.get("/communes/options/?q=orl&pad=" + "x" * 4000)

    assert response.status_code == 200
    assert "Orléans" in response.text


def test_accents_and_plus_signs_pass(client, territory):
    response = client.get("/communes/options/?q=Saint-Jean-de-Braye&x=caf%C3%A9+cr%C3%A8me")

    assert response.status_code == 200
    assert "Saint-Jean-de-Braye" in response.text


def test_the_api_answers_in_json(api_client, coordinator):
    api_client.force_authenticate(coordinator)

    response = api_client.get("/api/v1/referrals/?status=submitted%00")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert CONTROL_MESSAGE in response.json()["detail"]


def test_anonymous_api_callers_get_the_same_json_400(client, db):
    response = client.get("/api/v1/communes/?q=%00")

    assert response.status_code == 400
    assert "« q »" in response.json()["detail"]


def test_fhir_paths_answer_with_an_operation_outcome(client, db):
    response = client.get("/fhir/ServiceRequest?identifier=%00")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/fhir+json"
    outcome = response.json()
    assert outcome["resourceType"] == "OperationOutcome"
    assert outcome["issue"][0]["severity"] == "error"
    assert CONTROL_MESSAGE in outcome["issue"][0]["diagnostics"]


def test_an_unreadable_parameter_name_is_not_echoed(client, db):
    response = client.get("/communes/options/?%3Cscript%3E%00=1")

    assert response.status_code == 400
    assert "« ? »" in response.text
    assert "<script>" not in response.text


# --- forms --------------------------------------------------------------------------------
def test_a_nul_byte_in_a_form_field_is_refused_and_nothing_is_written(client, db):
    response = client.post(
        reverse("projet_sante:subscribe"),
        urlencode({"email": "kine\x00@exemple.fr"}),
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 400
    assert "Le paramètre « email » contient un caractère de contrôle" in response.text
    assert not Subscriber.objects.exists()


@pytest.fixture
def referral(territory, requester):
    return ReferralFactory(requester=requester, requester_organisation=requester.organisation)


def test_a_nul_byte_in_a_multipart_form_field_is_refused(client_for, requester, referral):
    client = client_for(requester)

    response = client.post(
        reverse("referrals:message", args=[referral.public_id]), {"body": "Bonjour\x00"}
    )

    assert response.status_code == 400
    assert "« body »" in response.text
    assert not Message.objects.exists()


@pytest.mark.parametrize("encoding", ["multipart", "urlencoded"])
def test_tabs_and_line_breaks_are_welcome_in_a_text_area(client_for, requester, referral, encoding):
    client = client_for(requester)
    url = reverse("referrals:message", args=[referral.public_id])
    body = "Bonjour,\r\n\tvoici l'ECG demandé.\r\nCordialement"

    if encoding == "multipart":
        response = client.post(url, {"body": body})
    else:
        response = client.post(
            url, urlencode({"body": body}), content_type="application/x-www-form-urlencoded"
        )

    assert response.status_code == 302
    assert Message.objects.get().body == body.strip()


def test_a_broken_multipart_body_is_a_400_not_a_crash(client_for, requester, referral):
    client = client_for(requester)

    response = client.post(
        reverse("referrals:message", args=[referral.public_id]),
        b'--xyz\r\nContent-Disposition: form-data; name="body"\r\n\r\nBonjour',
        content_type="multipart/form-data",  # no boundary
    )

    assert response.status_code == 400
    assert "illisible" in response.text
    assert not Message.objects.exists()
