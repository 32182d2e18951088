"""FINESS and SIRET: real-shaped numbers with right and wrong keys, clear French messages."""

import pytest
from django.core.exceptions import ValidationError

from ess.validators import validate_finess, validate_siret
from partners.models import Partner, PartnerType
from tests.factories import PartnerFactory

VALID_FINESS = ["450000120", "450102033", "2A0000014", "750712184"]
VALID_SIRET = ["73282932000074", "80123456800013", "356 000 000 00048"]


@pytest.mark.parametrize("value", VALID_FINESS)
def test_valid_finess_numbers_pass(value):
    validate_finess(value)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("450000121", "La clé du numéro FINESS est incorrecte"),
        ("45000012", "exactement 9 caractères ; 8 saisis"),
        ("4500001200", "exactement 9 caractères ; 10 saisis"),
        ("2C0000014", "commence par le code du département"),
        ("45A000120", "commence par le code du département"),
    ],
)
def test_invalid_finess_numbers_are_refused_in_french(value, message):
    with pytest.raises(ValidationError, match=message):
        validate_finess(value)


@pytest.mark.parametrize("value", VALID_SIRET)
def test_valid_siret_numbers_pass(value):
    validate_siret(value)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("73282932000075", "La clé du SIRET est incorrecte"),
        ("7328293200007", "exactement 14 chiffres"),
        ("7328293200007A", "exactement 14 chiffres"),
    ],
)
def test_invalid_siret_numbers_are_refused_in_french(value, message):
    with pytest.raises(ValidationError, match=message):
        validate_siret(value)


def test_the_partner_form_shows_identifier_errors_and_creates_nothing(client_for, manager):
    response = client_for(manager).post(
        "/partenaires/nouveau/",
        {
            "type": PartnerType.objects.get(code="ehpad").pk,
            "name": "EHPAD Les Acacias",
            "finess": "450000121",
            "siret": "73282932000075",
        },
    )

    assert response.status_code == 200
    assert "La clé du numéro FINESS est incorrecte" in response.text
    assert "La clé du SIRET est incorrecte" in response.text
    assert not Partner.objects.exists()


def test_a_partner_is_created_with_identifiers_typed_with_spaces(client_for, manager, territory):
    response = client_for(manager).post(
        "/partenaires/nouveau/",
        {
            "type": PartnerType.objects.get(code="ehpad").pk,
            "name": "EHPAD Les Acacias",
            "finess": "45 000 012 0",
            "siret": "732 829 320 00074",
            "commune": "45234 — Orléans (45000)",
            "covered_communes_codes": "45234, 45232",
        },
    )

    partner = Partner.objects.get()
    assert response.status_code == 302
    assert (partner.finess, partner.siret, partner.commune_id) == (
        "450000120",
        "73282932000074",
        "45234",
    )
    assert set(partner.covered_communes.values_list("code", flat=True)) == {"45234", "45232"}


def test_a_finess_or_siret_already_held_names_the_partner_beside_the_field(client_for, manager):
    PartnerFactory(name="CH de Pithiviers", finess="450000120", siret="80123456800013")
    client = client_for(manager)

    response = client.post(
        "/partenaires/nouveau/",
        {
            "type": PartnerType.objects.get(code="ehpad").pk,
            "name": "EHPAD Les Acacias",
            "finess": "450 000 120",
            "siret": "80123456800013",
        },
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    held = "est déjà celui du partenaire « CH de Pithiviers »."
    assert errors["finess"] == [f"Ce numéro FINESS {held}"]
    assert errors["siret"] == [f"Ce numéro SIRET {held}"]
    assert "__all__" not in errors
    assert Partner.objects.count() == 1
    other = PartnerFactory(name="EHPAD Les Acacias")
    response = client.post(
        f"/partenaires/{other.public_id}/modifier/",
        {"type": other.type.pk, "name": other.name, "finess": "450000120"},
    )
    assert "Ce numéro FINESS est déjà celui du partenaire" in response.text
