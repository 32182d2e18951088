"""The managers' page of the platforms connected to /fhir/: register one and read its token
once, replace the token, revoke it."""

import pytest
import trustme
from django.urls import reverse

from interop.fhir.auth import certificate_fingerprint
from interop.models import Platform

pytestmark = pytest.mark.django_db


def _bearer_works(token) -> bool:
    """A protected FHIR call: the whoami test view is not mounted here, so a token is checked
    through the platform's authentication directly."""
    from rest_framework.test import APIRequestFactory

    from interop.fhir.auth import PlatformTokenAuthentication

    request = APIRequestFactory().get("/fhir/x", HTTP_AUTHORIZATION=f"Bearer {token}")
    try:
        PlatformTokenAuthentication().authenticate(request)
    except Exception:
        return False
    return True


def test_the_manager_registers_a_platform_and_sees_its_token_once(client_for, manager):
    client = client_for(manager)

    response = client.post(
        reverse("interop:platforms"),
        {"name": "Plateforme régionale Centre", "scopes": ["teleexpertise"], "certificate": ""},
    )

    assert response.status_code == 200
    token = response.context["created"]["token"]
    assert token in response.content.decode()
    assert _bearer_works(token)
    again = client.get(reverse("interop:platforms")).content.decode()
    assert "Plateforme régionale Centre" in again
    assert token not in again


def test_a_pasted_certificate_is_recorded_by_its_fingerprint(client_for, manager):
    pem = trustme.CA().issue_cert("sas.example.org").cert_chain_pems[0].bytes().decode()
    client = client_for(manager)

    client.post(
        reverse("interop:platforms"),
        {"name": "SAS", "scopes": ["slots"], "certificate": pem},
    )

    assert Platform.objects.get().certificate_fingerprint == certificate_fingerprint(pem)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"name": "X", "scopes": ["slots"], "certificate": "-----BEGIN CERTIFICATE-----\nxx"},
            "illisible",
        ),
        ({"name": "X", "scopes": ["slots"], "certificate": "abcd"}, "64 chiffres"),
        ({"name": "X", "scopes": []}, "obligatoire"),
    ],
)
def test_bad_input_is_refused_in_french_and_registers_nothing(client_for, manager, data, message):
    client = client_for(manager)

    response = client.post(reverse("interop:platforms"), data)

    assert message in response.content.decode()
    assert not Platform.objects.exists()


def test_a_new_token_replaces_the_old_one(client_for, manager):
    from interop.platforms import register_platform

    platform, old = register_platform(name="SAS", scopes=["slots"])
    client = client_for(manager)

    response = client.post(reverse("interop:platform_token", args=[platform.public_id]))

    new = response.context["token"]
    assert new in response.content.decode()
    assert _bearer_works(new)
    assert not _bearer_works(old)


def test_revoking_cuts_the_platform_off(client_for, manager):
    from interop.platforms import register_platform

    platform, token = register_platform(name="SAS", scopes=["slots"])
    client = client_for(manager)

    confirm = client.get(reverse("interop:platform_revoke", args=[platform.public_id]))
    response = client.post(reverse("interop:platform_revoke", args=[platform.public_id]))

    assert "immédiatement et définitivement" in confirm.content.decode()
    assert response.status_code == 302
    assert not _bearer_works(token)
    assert "Révoquée le" in client.get(reverse("interop:platforms")).content.decode()


def test_other_roles_are_refused(client_for, coordinator):
    client = client_for(coordinator)

    assert client.get(reverse("interop:platforms")).status_code == 403
    assert (
        client.post(reverse("interop:platforms"), {"name": "X", "scopes": ["slots"]}).status_code
        == 403
    )
    assert not Platform.objects.exists()
