"""Who may call /fhir/: the CapabilityStatement is open; a registered platform comes with its
token or, through the trusted reverse proxy, its client certificate."""

from urllib.parse import quote

import pytest
import trustme
from django.core.management import call_command
from django.urls import path
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.operationoutcome import OperationOutcome
from rest_framework.response import Response

from ess.api_auth import token_issue
from interop.fhir.auth import certificate_fingerprint
from interop.fhir.views import FhirView
from interop.models import Platform, PlatformScope
from interop.platforms import register_platform, revoke_platform

pytestmark = pytest.mark.django_db


class WhoAmI(FhirView):
    def get(self, request):
        platform = self.require_platform_scope(request, PlatformScope.SLOTS)
        return Response({"resourceType": "Basic", "id": str(platform.public_id)})


urlpatterns = [path("fhir/whoami", WhoAmI.as_view())]


@pytest.fixture
def whoami_urls(settings):
    settings.ROOT_URLCONF = __name__


@pytest.fixture(scope="module")
def certificate():
    ca = trustme.CA()
    return ca.issue_cert("plateforme.example.org").cert_chain_pems[0].bytes().decode()


def test_metadata_is_a_valid_capability_statement_open_to_anyone(client):
    response = client.get("/fhir/metadata")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    statement = CapabilityStatement.model_validate_json(response.content)
    assert statement.fhirVersion == "4.0.1"
    assert statement.rest[0].mode == "server"


def test_a_platform_token_opens_what_its_scopes_allow(client, whoami_urls):
    platform, token = register_platform(name="SAS Centre-Val de Loire", scopes=["slots"])

    response = client.get("/fhir/whoami", HTTP_AUTHORIZATION=f"Bearer {token}")

    assert response.status_code == 200
    assert response.json()["id"] == str(platform.public_id)


def test_a_platform_without_the_scope_is_refused_with_an_operation_outcome(client, whoami_urls):
    _, token = register_platform(name="Plateforme régionale", scopes=["teleexpertise"])

    response = client.get("/fhir/whoami", HTTP_AUTHORIZATION=f"Bearer {token}")

    assert response.status_code == 403
    issue = OperationOutcome.model_validate_json(response.content).issue[0]
    assert issue.code == "forbidden"
    assert "n'a pas le droit" in issue.diagnostics


@pytest.mark.parametrize("header", ["Bearer nope", "Bearer", ""])
def test_an_unknown_or_missing_token_gets_401(client, whoami_urls, header):
    response = client.get("/fhir/whoami", HTTP_AUTHORIZATION=header)

    assert response.status_code == 401
    assert OperationOutcome.model_validate_json(response.content).issue[0].code == "login"


def test_a_revoked_platform_is_refused(client, whoami_urls):
    platform, token = register_platform(name="Ancienne plateforme", scopes=["slots"])
    revoke_platform(platform)

    response = client.get("/fhir/whoami", HTTP_AUTHORIZATION=f"Bearer {token}")

    assert response.status_code == 401
    assert "révoqué" in response.json()["issue"][0]["diagnostics"]


def test_a_client_certificate_counts_only_from_a_trusted_proxy(
    client, whoami_urls, settings, certificate
):
    settings.ESS_TRUSTED_PROXIES = ["10.0.0.0/8"]
    register_platform(
        name="SAS",
        scopes=["slots"],
        certificate_fingerprint=certificate_fingerprint(certificate),
    )
    headers = {"HTTP_X_SSL_CLIENT_CERT": quote(certificate), "HTTP_X_SSL_CLIENT_VERIFY": "SUCCESS"}

    through_proxy = client.get("/fhir/whoami", REMOTE_ADDR="10.1.2.3", **headers)
    direct = client.get("/fhir/whoami", REMOTE_ADDR="203.0.113.9", **headers)
    unverified = client.get(
        "/fhir/whoami",
        REMOTE_ADDR="10.1.2.3",
        HTTP_X_SSL_CLIENT_CERT=quote(certificate),
        HTTP_X_SSL_CLIENT_VERIFY="FAILED:unable to verify",
    )

    assert through_proxy.status_code == 200
    assert direct.status_code == 401
    assert unverified.status_code == 401


def test_registration_refuses_a_bad_fingerprint_and_unknown_scopes():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        register_platform(name="X", scopes=["slots"], certificate_fingerprint="abc")
    assert "64 chiffres" in str(error.value)
    with pytest.raises(ValidationError):
        register_platform(name="X", scopes=["everything"])
    assert not Platform.objects.exists()


def test_the_command_prints_a_token_that_works(client, whoami_urls, capsys):
    call_command("register_platform", "SAS national", "--scope", "slots")
    token = capsys.readouterr().out.strip()

    assert client.get("/fhir/whoami", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200


def test_the_fhir_interface_is_not_in_the_rest_apis_openapi_document():
    """/api/schema/ documents the REST API's plain-JSON errors; /fhir/ answers OperationOutcome
    and describes itself in its CapabilityStatement."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)

    assert schema["paths"]
    assert not [path for path in schema["paths"] if path.startswith("/fhir")]


@pytest.mark.parametrize(
    "method, url",
    [
        ("get", "/fhir/Slot"),
        ("get", "/fhir/Schedule"),
        ("get", "/fhir/ServiceRequest/0b6d9a3e-1c2f-4d5e-8a9b-000000000001"),
        ("get", "/fhir/DiagnosticReport?based-on=ServiceRequest/1"),
        ("post", "/fhir/"),
    ],
)
def test_a_persons_api_token_opens_nothing_a_platform_uses(client, requester, method, url):
    # /fhir/ is for platforms: a person is not authenticated there, as with a session.
    _, key = token_issue(user=requester, name="Logiciel du cabinet", scope="read_write")

    response = getattr(client, method)(
        url, content_type="application/fhir+json", HTTP_AUTHORIZATION=f"Token {key}"
    )

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert OperationOutcome.model_validate_json(response.content).issue[0].code == "login"


@pytest.mark.parametrize(
    "url",
    [
        "/fhir/Patient/0b6d9a3e-1c2f-4d5e-8a9b-000000000001",
        "/fhir/DocumentReference/0b6d9a3e-1c2f-4d5e-8a9b-000000000005",
        "/fhir/Foo",
        "/fhir/Slot/1/extra",
    ],
)
def test_a_url_no_fhir_resource_answers_is_an_operation_outcome_404(client, url):
    _, token = register_platform(name="Plateforme régionale", scopes=["teleexpertise", "slots"])

    response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/fhir+json")
    issue = OperationOutcome.model_validate_json(response.content).issue[0]
    assert issue.code == "not-found"
    assert issue.diagnostics.startswith("Aucune ressource à cette adresse")
