"""Lists run a constant number of queries whatever the number of partners and conventions."""

import pytest

from tests.factories import ContactFactory, ConventionFactory, PartnerFactory, UserFactory


def make(n: int, manager):
    for _ in range(n):
        partner = PartnerFactory(referent=manager)
        partner.covered_departements.set(["45"])
        ContactFactory(partner=partner)
        ConventionFactory(active=True, parties=[partner, PartnerFactory()], referent=manager)


@pytest.mark.parametrize(
    "url",
    [
        "/partenaires/",
        "/partenaires/?convention=active&departement=45&q=CPTS",
        "/partenaires/conventions/",
        "/partenaires/conventions/registre.csv",
        "/api/v1/partners/",
        "/api/v1/conventions/",
    ],
)
def test_lists_run_a_constant_number_of_queries(
    db, client_for, manager, territory, django_assert_max_num_queries, url
):
    client = client_for(manager)
    make(2, manager)
    with django_assert_max_num_queries(30) as few:
        assert client.get(url).status_code == 200

    make(20, manager)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_the_partner_page_runs_a_constant_number_of_queries(
    db, client_for, manager, django_assert_max_num_queries
):
    client = client_for(manager)
    partner = PartnerFactory()
    ConventionFactory(parties=[partner])
    with django_assert_max_num_queries(40) as few:
        client.get(f"/partenaires/{partner.public_id}/")

    for _ in range(10):
        ContactFactory(partner=partner)
        ConventionFactory(parties=[partner, PartnerFactory()], referent=UserFactory(manager=True))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(f"/partenaires/{partner.public_id}/")
