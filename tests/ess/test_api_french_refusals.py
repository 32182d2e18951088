"""What the framework itself refuses (a body that is not JSON, a session request without its
CSRF token) is said in the caller's language, French by default, on the REST API and on /fhir/:
never DRF's English ("JSON parse error - Expecting value…", "CSRF Failed: …")."""

import pytest
from django.test import Client
from fhir.resources.R4B.operationoutcome import OperationOutcome

from interop.platforms import register_platform
from referrals.models import Referral

pytestmark = pytest.mark.django_db

BROKEN = '{"specialty": }'
NOT_JSON = (
    "Le corps de la requête n'est pas un JSON valide (ligne 1, colonne 15) : elle a été refusée."
)


def test_a_body_that_is_not_json_is_refused_in_french_by_the_api(api_client, requester):
    api_client.force_authenticate(requester)

    response = api_client.generic(
        "POST", "/api/v1/referrals/", BROKEN, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json() == {"detail": NOT_JSON}


def test_a_body_that_is_not_json_is_refused_in_french_by_fhir(client):
    _, token = register_platform(name="Plateforme régionale", scopes=["teleexpertise"])

    response = client.post(
        "/fhir/", BROKEN, content_type="application/fhir+json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )

    assert response.status_code == 400
    assert OperationOutcome.model_validate_json(response.content).issue[0].diagnostics == NOT_JSON


def test_a_session_request_without_its_csrf_token_is_refused_in_french(requester):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(requester)

    response = browser.post("/api/v1/referrals/", {}, content_type="application/json")

    assert response.status_code == 403
    detail = response.json()["detail"]
    assert detail.startswith("Requête refusée par la protection contre la falsification")
    assert "X-CSRFToken" in detail
    assert not Referral.all_objects.exists()
