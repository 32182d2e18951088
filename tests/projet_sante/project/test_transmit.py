"""A version of the health project sent to the ARS/CPAM from its page."""

import hashlib

import pytest
from django.test import Client
from django.urls import reverse

from ess.models import OutboundEmail
from projet_sante.indicators.models import Transmission
from projet_sante.project import services as ps
from tests.conftest import signed_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def as_user(user) -> Client:
    return signed_in(Client(), user)


def transmit_url(version) -> str:
    return reverse("projet_sante:project_version_transmit", args=[version.public_id])


def test_manager_sends_a_validated_version_to_the_cpam(
    project_manager, project_authority, project_cpam, project_validated
):
    page = as_user(project_manager).get(
        reverse("projet_sante:project_version", args=[project_validated.public_id])
    )
    assert "Transmettre à l'ARS/CPAM" in page.content.decode()
    response = as_user(project_manager).post(
        transmit_url(project_validated),
        {"institutions": ["cpam"], "message": "Version validée."},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("projet_sante:transmissions")
    assert "Document transmis (CPAM)" in response.content.decode()
    transmission = Transmission.objects.get()
    assert transmission.kind == "projet"
    assert transmission.key.startswith(f"{project_validated.pk}:")
    assert transmission.title.startswith("Projet de santé v1")
    download = reverse("projet_sante:transmission_download", args=[transmission.public_id])
    got = as_user(project_cpam).get(download)
    assert got.status_code == 200
    data = b"".join(got.streaming_content)
    assert hashlib.sha256(data).hexdigest() == transmission.sha256
    assert as_user(project_authority).get(download).status_code == 404
    told = OutboundEmail.objects.filter(subject__contains="Document transmis")
    assert list(told.values_list("to", flat=True)) == [project_cpam.email]
    # Twice in a row: refused, told on the version's page.
    again = as_user(project_manager).post(
        transmit_url(project_validated), {"institutions": ["cpam"]}, follow=True
    )
    assert "Ce document a déjà été transmis (CPAM)" in again.content.decode()
    assert Transmission.objects.count() == 1


def test_a_draft_never_submitted_is_not_sent(project_manager, project_authority, project_draft):
    page = as_user(project_manager).get(
        reverse("projet_sante:project_version", args=[project_draft.public_id])
    )
    assert "Transmettre à l'ARS/CPAM" not in page.content.decode()
    response = as_user(project_manager).post(
        transmit_url(project_draft), {"institutions": ["ars"]}, follow=True
    )
    assert "Une version en brouillon jamais soumise ne se transmet pas" in (
        response.content.decode()
    )
    assert not Transmission.objects.exists()
    assert not OutboundEmail.objects.filter(subject__contains="Document transmis").exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("authority", 403), ("specialist", 403), ("coordinator", 403), ("requester", 404)],
)
def test_only_managers_send_a_version(persona, status, project_validated):
    user = {
        "authority": lambda: UserFactory(authority=True),
        "specialist": lambda: UserFactory(specialist=True),
        "coordinator": lambda: UserFactory(coordinator=True),
        "requester": lambda: UserFactory(requester=True),
    }[persona]()
    response = as_user(user).post(transmit_url(project_validated), {"institutions": ["ars"]})
    assert response.status_code == status
    assert not Transmission.objects.exists()


def test_authorities_see_no_sending_form(project_authority, project_manager, project_draft):
    ps.version_submit(version_id=project_draft.pk, by=project_manager)
    page = as_user(project_authority).get(
        reverse("projet_sante:project_version", args=[project_draft.public_id])
    )
    assert page.status_code == 200
    assert "Transmettre à l'ARS/CPAM" not in page.content.decode()
