"""A JSON body larger than the API reads is a 413 in the API's error format, never Django's HTML
page (referral creation carries no document: its bound is Django's, for every body)."""

import json

import pytest
from django.conf import settings

from referrals.models import Referral

pytestmark = pytest.mark.django_db


def test_a_referral_body_over_the_limit_is_a_413_in_json(api_client, requester, api_body):
    api_client.force_authenticate(requester)
    body = json.dumps({**api_body, "context": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})

    response = api_client.generic(
        "POST", "/api/v1/referrals/", body, content_type="application/json"
    )

    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "detail": "La requête dépasse la taille acceptée (5,0\xa0Mio au plus) : elle a été refusée."
    }
    assert not Referral.all_objects.exists()


def test_a_form_post_over_the_limit_keeps_its_french_page(client_for, requester):
    response = client_for(requester).post(
        "/demandes/nouvelle/",
        "context=" + "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1),
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 400
    assert "trop volumineux" in response.content.decode()


def test_the_schema_documents_the_413_of_a_body(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()

    create = schema["paths"]["/api/v1/referrals/"]["post"]["responses"]
    listing = schema["paths"]["/api/v1/referrals/"]["get"]["responses"]
    assert create["413"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }
    assert "413" not in listing
