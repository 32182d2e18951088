"""The directory of competences: filters, the public page, export, API, representativeness,
the ESS's organisation."""

import csv
import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ess.models import Specialty
from members.models import GovernanceRole, SpecialtyHeadcount
from tests.factories import CompetenceFactory, MembershipFactory
from tests.menu import menu_labels

URL = reverse("members:directory")
PUBLIC = reverse("members:directory_public")


@pytest.fixture
def members(territory, rythmology):
    """Three listed members and two who are not (applying, left)."""
    pneumology = Specialty.objects.get(code="pneumologie")
    dubois = MembershipFactory(active=True, last_name="Dubois", teleexpertise=True)
    dubois.competences.add(rythmology)
    benali = MembershipFactory(active=True, last_name="Benali", sites=["45155"])
    leroy = MembershipFactory(
        active=True, last_name="Leroy", specialty=pneumology, sites=["2A004"], teleexpertise=True
    )
    MembershipFactory(last_name="Candidat")
    MembershipFactory(last_name="Parti", status="left")
    return {"dubois": dubois, "benali": benali, "leroy": leroy}


def names(response) -> list[str]:
    return sorted(m.last_name for m in response.context["page"].object_list)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, ["Benali", "Dubois", "Leroy"]),
        ({"specialite": "pneumologie"}, ["Leroy"]),
        ({"competence": "rythmologie"}, ["Dubois"]),
        ({"commune": "45155 — Gien (45500)"}, ["Benali"]),
        ({"departement": "45"}, ["Benali", "Dubois"]),
        ({"participation": "teleexpertise"}, ["Dubois", "Leroy"]),
        ({"q": "dub"}, ["Dubois"]),
        ({"specialite": "cardiologie", "participation": "teleexpertise"}, ["Dubois"]),
    ],
)
def test_the_directory_filters(client_for, requester, members, filters, expected):
    response = client_for(requester).get(URL, filters)

    assert response.status_code == 200
    assert names(response) == expected


def test_a_pasted_paragraph_searches_on_its_first_words_only(client_for, requester, members):
    """Each word is one more condition: 2,000 words made a query the server took minutes to
    build. The first words decide; the rest is ignored."""
    with CaptureQueriesContext(connection) as queries:
        response = client_for(requester).get(URL, {"q": "dub " + "zq " * 1300})

    assert response.status_code == 200
    # No name starts with "zq" (a single letter could start a generated first name): the words
    # still combine with AND.
    assert names(response) == []
    assert max(q["sql"].count("LIKE") for q in queries) <= 2 * 6


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("requester", 200),
        ("coordinator", 200),
        ("specialist", 200),
        ("paramedic", 200),
        ("manager", 200),
        ("authority", 403),
    ],
)
def test_every_signed_in_professional_reads_the_directory(db, client_for, request, persona, status):
    assert client_for(request.getfixturevalue(persona)).get(URL).status_code == status


def test_anonymous_visitors_are_sent_to_sign_in(client):
    assert client.get(URL).status_code == 302


def test_the_htmx_fragment_is_the_results_of_the_full_page(client_for, requester, members):
    client = client_for(requester)

    full = client.get(URL, {"specialite": "cardiologie"}).text
    fragment = client.get(
        URL,
        {"specialite": "cardiologie"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="directory-results",
    ).text.strip()

    assert fragment.startswith('<div id="directory-results">')
    start = full.index('<div id="directory-results">')
    assert full[start : start + len(fragment)] == fragment


def test_a_directory_page_runs_a_constant_number_of_queries(
    client_for, requester, territory, rythmology, django_assert_max_num_queries
):
    client = client_for(requester)
    for m in MembershipFactory.create_batch(2, active=True):
        m.competences.add(rythmology)
    with django_assert_max_num_queries(40) as few:
        client.get(URL)

    for m in MembershipFactory.create_batch(30, active=True, sites=["45234", "45155"]):
        m.competences.add(rythmology, CompetenceFactory())
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(URL)

    assert len(response.context["page"].object_list) == 25


def test_the_public_page_shows_only_what_members_published(client, members):
    dubois, benali = members["dubois"], members["benali"]
    dubois.is_public, dubois.public_fields = True, ["competences"]
    dubois.languages = "portugais"
    dubois.save()
    benali.is_public, benali.public_fields = True, ["sites", "phone", "languages"]
    benali.languages = "arabe"
    benali.save()

    text = client.get(PUBLIC).text

    assert "Dubois" in text and "Benali" in text
    assert "Leroy" not in text  # not listed publicly
    assert "Rythmologie" in text  # Dubois published competences…
    assert "portugais" not in text  # …but not languages
    assert "Gien" in text and "02 38 00 00 00" in text and "arabe" in text  # Benali: sites, phone
    assert "1 rue de la Gare, Orléans" not in text  # Dubois's site is not published
    assert "@exemple.fr" not in text  # emails are never public


def test_the_public_page_filters_by_specialty(client, members):
    for m in members.values():
        m.is_public = True
        m.save()

    response = client.get(PUBLIC, {"specialite": "pneumologie"})

    assert names(response) == ["Leroy"]


def test_managers_export_the_filtered_directory_in_the_import_format(client_for, manager, members):
    response = client_for(manager).get(
        reverse("members:directory_export"), {"specialite": "cardiologie"}
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode("utf-8-sig")), delimiter=";"))
    assert sorted(r["nom"] for r in rows) == ["Benali", "Dubois"]
    dubois = next(r for r in rows if r["nom"] == "Dubois")
    assert dubois["competences"] == "rythmologie"
    assert dubois["participations"] == "teleexpertise"
    assert dubois["rpps"] == members["dubois"].rpps


@pytest.mark.parametrize("persona", ["requester", "coordinator", "specialist"])
def test_only_managers_export(client_for, request, persona, territory):
    client = client_for(request.getfixturevalue(persona))

    assert client.get(reverse("members:directory_export")).status_code == 403


def test_the_api_lists_the_directory_with_a_specialty_filter(api_client, requester, members):
    api_client.force_authenticate(requester)

    data = api_client.get("/api/v1/members/", {"specialty": "pneumologie"}).json()

    assert data["count"] == 1
    leroy = data["results"][0]
    assert leroy["last_name"] == "Leroy"
    assert leroy["specialty"] == "pneumologie"
    assert leroy["sites"][0]["commune"] == "2A004"
    assert leroy["participations"] == ["teleexpertise"]
    one = api_client.get(f"/api/v1/members/{leroy['id']}/")
    assert one.status_code == 200


def test_the_api_shows_nothing_to_authority_or_anonymous(api_client, authority, members):
    assert api_client.get("/api/v1/members/").status_code in (401, 403)
    api_client.force_authenticate(authority)

    assert api_client.get("/api/v1/members/").json()["count"] == 0
    assert api_client.get(f"/api/v1/members/{members['dubois'].public_id}/").status_code == 404


def test_the_api_list_runs_a_constant_number_of_queries(
    api_client, requester, territory, rythmology, django_assert_max_num_queries
):
    api_client.force_authenticate(requester)
    MembershipFactory.create_batch(2, active=True)
    with django_assert_max_num_queries(20) as few:
        api_client.get("/api/v1/members/")
    for m in MembershipFactory.create_batch(20, active=True, sites=["45234", "45155"]):
        m.competences.add(rythmology)

    with django_assert_max_num_queries(len(few.captured_queries)):
        assert api_client.get("/api/v1/members/").json()["count"] == 22


def test_representativeness_is_members_against_the_territory(client_for, manager, members):
    client = client_for(manager)

    client.post(
        reverse("members:representativeness"),
        {"specialty": "cardiologie", "territory_count": "8"},
    )
    response = client.get(reverse("members:representativeness"))

    assert SpecialtyHeadcount.objects.get().territory_count == 8
    rows = {r["specialty"].code: r for r in response.context["rows"]}
    assert (rows["cardiologie"]["members"], rows["cardiologie"]["share"]) == (2, 25.0)
    assert rows["pneumologie"]["share"] is None  # no headcount entered
    assert "25 %" in response.text


def test_representativeness_counts_liberal_practice_only(client_for, manager, members):
    MembershipFactory(active=True, practice_mode="mixte")  # a third cardiologist, mixed
    SpecialtyHeadcount.objects.create(
        specialty=Specialty.objects.get(code="cardiologie"), territory_count=8
    )

    rows = {
        r["specialty"].code: r
        for r in client_for(manager).get(reverse("members:representativeness")).context["rows"]
    }

    cardiology = rows["cardiologie"]
    assert (cardiology["members"], cardiology["liberal"], cardiology["share"]) == (3, 2, 25.0)


def test_representativeness_is_for_managers(client_for, coordinator, authority):
    url = reverse("members:representativeness")
    assert client_for(coordinator).get(url).status_code == 403
    assert client_for(authority).get(url).status_code == 403


def test_managers_record_governance_and_members_see_it(client_for, manager, members):
    dubois = members["dubois"]
    client_for(manager).post(
        reverse("members:organisation"),
        {"membership": dubois.public_id, "kind": "president", "starts_on": "2025-01-01"},
    )
    role = GovernanceRole.objects.get()
    assert (role.kind, role.starts_on) == ("president", date(2025, 1, 1))

    page = client_for(members["benali"].user).get(reverse("members:organisation"))

    assert page.status_code == 200
    assert "Président·e / responsable" in page.text and "Dubois" in page.text
    assert page.context["form"] is None  # members read, managers write


def test_governance_dates_are_checked_and_departure_ends_functions(client_for, manager, members):
    dubois = members["dubois"]
    client = client_for(manager)

    bad = client.post(
        reverse("members:organisation"),
        {
            "membership": dubois.public_id,
            "kind": "board",
            "starts_on": "2025-06-01",
            "ends_on": "2025-01-01",
        },
    )
    client.post(
        reverse("members:organisation"),
        {"membership": dubois.public_id, "kind": "ambassador", "starts_on": "2025-01-01"},
    )
    client.post(reverse("members:membership_leave", args=[dubois.public_id]), {"reason": ""})

    assert "La fin ne peut précéder le début." in bad.text
    assert GovernanceRole.objects.get().ends_on is not None


def test_requesters_do_not_see_the_organisation_page(client_for, requester, authority):
    assert client_for(requester).get(reverse("members:organisation")).status_code == 403
    assert client_for(authority).get(reverse("members:organisation")).status_code == 403


@pytest.mark.parametrize(
    ("persona", "shown", "hidden"),
    [
        ("requester", ["Annuaire"], ["Adhésions", "Mes disponibilités"]),
        ("specialist", ["Annuaire", "Mes disponibilités"], ["Adhésions"]),
        ("manager", ["Annuaire", "Adhésions"], ["Mes disponibilités"]),
        ("authority", [], ["Annuaire", "Adhésions", "Mes disponibilités"]),
    ],
)
def test_the_menu_offers_the_members_pages_to_the_right_roles(db, request, persona, shown, hidden):
    labels = set(menu_labels(request.getfixturevalue(persona)))

    assert set(shown) <= labels
    assert not set(hidden) & labels
