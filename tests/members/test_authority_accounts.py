"""Managers set the institution (ARS, CPAM) an authority account speaks for."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LIST = reverse("members:authority_list")


def set_url(user) -> str:
    return reverse("members:authority_institution", args=[user.public_id])


def test_manager_lists_the_authority_accounts_with_their_institution(
    manager, client_for, django_assert_max_num_queries
):
    ars = UserFactory(authority=True, first_name="Margaux", last_name="Royer")
    for n in range(4):
        UserFactory(authority=True, institution="cpam", last_name=f"Cpam{n}")
    UserFactory(coordinator=True, last_name="Coordinatrice")
    client = client_for(manager)
    with django_assert_max_num_queries(12):
        page = client.get(LIST)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Margaux Royer" in text
    assert "Coordinatrice" not in text
    assert set_url(ars) in text
    assert text.count('<option value="cpam" selected>') == 4


def test_manager_changes_an_authority_accounts_institution(manager, client_for):
    account = UserFactory(authority=True)  # the ARS
    response = client_for(manager).post(set_url(account), {"institution": "cpam"}, follow=True)
    assert response.redirect_chain[-1][0] == LIST
    assert "institution enregistrée (CPAM)" in response.content.decode()
    account.refresh_from_db()
    assert account.institution == "cpam"
    client_for(manager).post(set_url(account), {"institution": ""})
    account.refresh_from_db()
    assert account.institution == ""


def test_an_unknown_institution_is_refused(manager, client_for):
    account = UserFactory(authority=True)
    response = client_for(manager).post(set_url(account), {"institution": "drees"}, follow=True)
    assert "Institution" in response.content.decode()
    account.refresh_from_db()
    assert account.institution == "ars"


def test_an_account_that_is_not_an_authority_is_not_found(manager, client_for):
    coordinator = UserFactory(coordinator=True)
    response = client_for(manager).post(set_url(coordinator), {"institution": "ars"})
    assert response.status_code == 404
    coordinator.refresh_from_db()
    assert coordinator.institution == ""


@pytest.mark.parametrize(
    "persona", ["requester", "coordinator", "specialist", "paramedic", "authority"]
)
def test_only_managers_set_an_institution(persona, request, client_for):
    account = UserFactory(authority=True, institution="cpam")
    client = client_for(request.getfixturevalue(persona))
    assert client.get(LIST).status_code == 403
    assert client.post(set_url(account), {"institution": "ars"}).status_code == 403
    account.refresh_from_db()
    assert account.institution == "cpam"
