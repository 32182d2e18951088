"""A professional gives their MSSanté address on their preferences page; only an address of the
national secure messaging space is accepted."""

import pytest
from django.urls import reverse

from tests.conftest import signed_in

pytestmark = pytest.mark.django_db


def save(client, address: str):
    return client.post(
        reverse("notification_preferences"),
        {"notification_email": "immediate", "mssante_email": address},
    )


@pytest.fixture
def gp(client, requester):
    signed_in(client, requester)
    return requester


@pytest.mark.parametrize(
    "address", ["Dr.Martin@Medecin.MSSante.fr", "secretariat@ch-orleans.mssante.fr"]
)
def test_a_requester_records_an_address_of_the_mssante_space(client, gp, address):
    response = save(client, address)

    assert response.status_code == 302
    gp.refresh_from_db()
    assert gp.mssante_email == address.lower()


@pytest.mark.parametrize(
    "address", ["dr.martin@gmail.com", "dr.martin@mssante.fr.example.org", "dr@fauxmssante.fr"]
)
def test_an_address_outside_the_mssante_space_is_refused_and_nothing_changes(client, gp, address):
    gp.mssante_email = "ancienne@medecin.mssante.fr"
    gp.save(update_fields=["mssante_email"])

    response = save(client, address)

    assert response.status_code == 200
    assert "domaine doit se terminer par « mssante.fr »" in response.text
    gp.refresh_from_db()
    assert gp.mssante_email == "ancienne@medecin.mssante.fr"


def test_a_domain_the_ess_allows_is_accepted(client, gp, settings):
    settings.ESS_MSSANTE_EXTRA_DOMAINS = ["test-mssante.example.org"]

    response = save(client, "dr@test-mssante.example.org")

    assert response.status_code == 302
    gp.refresh_from_db()
    assert gp.mssante_email == "dr@test-mssante.example.org"


def test_the_address_can_be_removed(client, gp):
    gp.mssante_email = "dr@medecin.mssante.fr"
    gp.save(update_fields=["mssante_email"])

    save(client, "")

    gp.refresh_from_db()
    assert gp.mssante_email == ""
