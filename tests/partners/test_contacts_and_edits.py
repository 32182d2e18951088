"""Managers keep partners' records and contacts up to date; nobody else may."""

from html import unescape

import pytest
from django.urls import reverse

from partners.models import Contact
from tests.factories import ContactFactory, PartnerFactory


@pytest.fixture
def partner(db):
    return PartnerFactory(name="MSP de Gien")


def test_a_manager_edits_a_contact(client_for, manager, partner):
    contact = ContactFactory(partner=partner, name="Julie Moreau", email="")
    url = reverse("partners:contact_edit", args=[partner.public_id, contact.public_id])

    response = client_for(manager).post(
        url,
        {
            "name": "Julie Moreau",
            "role": "Coordinatrice",
            "email": "j.moreau@msp-gien.example.org",
            "phone": "02 38 00 00 00",
            "newsletter": "on",
        },
        follow=True,
    )

    contact.refresh_from_db()
    assert (contact.email, contact.newsletter) == ("j.moreau@msp-gien.example.org", True)
    assert "Contact mis à jour." in response.text


def test_the_newsletter_needs_an_email_and_nothing_changes_without_it(client_for, manager, partner):
    contact = ContactFactory(partner=partner, email="", newsletter=False)
    url = reverse("partners:contact_edit", args=[partner.public_id, contact.public_id])

    response = client_for(manager).post(
        url, {"name": contact.name, "role": "", "email": "", "phone": "", "newsletter": "on"}
    )

    assert response.status_code == 200
    assert "le contact a besoin d'un courriel" in unescape(response.text)
    contact.refresh_from_db()
    assert contact.newsletter is False


def test_a_manager_deletes_a_contact(client_for, manager, partner):
    contact = ContactFactory(partner=partner)

    client_for(manager).post(
        reverse("partners:contact_delete", args=[partner.public_id, contact.public_id])
    )

    assert not Contact.objects.filter(pk=contact.pk).exists()


@pytest.mark.parametrize("persona", ["coordinator", "specialist", "authority"])
def test_others_can_neither_edit_nor_delete_contacts(client_for, request, persona, partner):
    contact = ContactFactory(partner=partner)
    client = client_for(request.getfixturevalue(persona))

    edit = client.post(
        reverse("partners:contact_edit", args=[partner.public_id, contact.public_id]),
        {"name": "Pirate", "role": "", "email": "", "phone": ""},
    )
    delete = client.post(
        reverse("partners:contact_delete", args=[partner.public_id, contact.public_id])
    )

    assert (edit.status_code, delete.status_code) == (403, 403)
    contact.refresh_from_db()
    assert contact.name != "Pirate"


def test_a_wrong_siret_on_edit_is_refused_with_the_french_message(client_for, manager, partner):
    response = client_for(manager).get(reverse("partners:edit", args=[partner.public_id]))
    form = response.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data["siret"] = "80123456800014"
    if isinstance(data.get("covered_departements"), list):
        data["covered_departements"] = [str(v) for v in data["covered_departements"]]

    response = client_for(manager).post(reverse("partners:edit", args=[partner.public_id]), data)

    assert response.status_code == 200
    assert "La clé du SIRET est incorrecte" in unescape(response.text)
    partner.refresh_from_db()
    assert partner.siret != "80123456800014"


def test_the_same_contact_submitted_twice_is_refused_the_second_time(client_for, manager, partner):
    client = client_for(manager)
    url = reverse("partners:contact_create", args=[partner.public_id])
    data = {"name": "Jean QA", "email": "jean.qa@exemple.fr", "newsletter": "on"}

    assert client.post(url, data).status_code == 302
    again = client.post(url, {**data, "email": "Jean.QA@exemple.fr"})

    assert again.status_code == 200
    assert again.context["form"].errors["email"] == [
        "Ce partenaire a déjà un contact à ce courriel : Jean QA."
    ]
    assert Contact.objects.filter(partner=partner).count() == 1
    other = PartnerFactory()
    other_url = reverse("partners:contact_create", args=[other.public_id])
    assert client.post(other_url, data).status_code == 302  # another partner's contact
