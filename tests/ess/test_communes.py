import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from ess.forms import CommuneField
from ess.selectors import commune_from_label, communes_search

# The whole country, whatever ran before on this worker: flushes keep the reference tables.
pytestmark = pytest.mark.usefixtures("territory")


def names(communes):
    return [c.name for c in communes]


def test_the_whole_country_is_loaded(db):
    from ess.models import Commune, Departement, Region

    assert Commune.objects.count() > 34_000
    assert Departement.objects.filter(code__in=["2A", "2B", "45", "971"]).count() == 4
    assert Region.objects.get(code="24").name == "Centre-Val de Loire"


def test_a_name_prefix_finds_the_largest_commune_first_whatever_the_accents(db):
    assert names(communes_search("orl"))[0] == "Orléans"
    assert names(communes_search("ORLEANS"))[0] == "Orléans"
    assert "Saint-Jean-de-Braye" in names(communes_search("saint-jean-de-b"))
    assert "Saint-Jean-de-Braye" in names(communes_search("St Jean de Br"))


@pytest.mark.parametrize("typed", ["Sain", "saint", "Sainte"])
def test_a_saint_typed_alone_already_finds_the_saints(db, typed):
    found = names(communes_search(typed))

    assert found and all(n.startswith(("Saint", "Sain")) for n in found)
    assert names(communes_search("sainte"))[0].startswith("Sainte-")


def test_a_postcode_finds_every_commune_it_serves(db):
    found = names(communes_search("45130"))

    assert {"Meung-sur-Loire", "Baule", "Saint-Ay"} <= set(found)


def test_an_insee_code_finds_its_commune_including_corsica(db):
    assert names(communes_search("2A004")) == ["Ajaccio"]
    assert names(communes_search("45234")) == ["Orléans"]


def test_too_short_or_unknown_queries_find_nothing(db):
    assert communes_search("o") == []
    assert communes_search("zzzzzz") == []


def test_a_picker_label_is_parsed_back_to_its_commune(db):
    orleans = communes_search("45234")[0]

    assert commune_from_label(orleans.label) == orleans
    assert commune_from_label("99999 — Nulle part") is None
    assert commune_from_label("Orléans") is None  # a name is for communes_matching


@pytest.mark.parametrize(
    "typed",
    [
        "Orléans",
        "orleans",
        "  ORLÉANS ",
        "45000",
        "45234",
        "45234 — Orléans (45000)",
        "Orléans 45000",
    ],
)
def test_a_commune_field_accepts_a_unique_name_or_postcode_as_typed(db, typed):
    field = CommuneField()

    assert field.clean(typed).code == "45234"


def test_a_name_shared_by_several_communes_lists_them_to_choose_from(db):
    with pytest.raises(ValidationError) as caught:
        CommuneField().clean("Saint-Denis")

    message = caught.value.messages[0]
    assert caught.value.error_list[0].code == "ambiguous_commune"
    assert "communes répondent à « Saint-Denis »" in message
    assert "Saint-Denis (93200, Seine-Saint-Denis)" in message
    assert "Saint-Denis (97400, La Réunion)" in message
    assert "Précisez laquelle (ex. « Saint-Denis" in message


def test_an_ambiguous_name_is_settled_by_its_postcode_or_departement(db):
    assert CommuneField().clean("Saint-Denis 97400").code == "97411"
    assert CommuneField().clean("Saint-Denis (93)").code == "93066"


def test_a_postcode_serving_several_communes_lists_them(db):
    with pytest.raises(ValidationError) as caught:
        CommuneField().clean("45130")

    assert "Meung-sur-Loire (45130, Loiret)" in caught.value.messages[0]


def test_an_unknown_commune_is_named_back_in_the_refusal(db):
    with pytest.raises(ValidationError) as caught:
        CommuneField().clean("Nulle-Part-sur-Loire")

    assert caught.value.messages == [
        "Commune inconnue : « Nulle-Part-sur-Loire ». Tapez son nom ou son code postal, "
        "puis choisissez-la dans la liste proposée."
    ]


def test_lookup_is_one_query(db, django_assert_num_queries):
    with django_assert_num_queries(1):
        communes_search("saint")
    with django_assert_num_queries(1):
        communes_search("45000")


def test_the_api_returns_communes_to_signed_in_users_only(api_client, requester):
    url = reverse("api:communes")

    assert api_client.get(url, {"q": "orl"}).status_code in (401, 403)
    api_client.force_authenticate(requester)
    data = api_client.get(url, {"q": "orléans"}).json()
    assert data[0] == {
        "code": "45234",
        "name": "Orléans",
        "departement": "45",
        "postal_codes": ["45000", "45100"],
        "label": "45234 — Orléans (45000)",
    }


def test_the_picker_fragment_lists_options_for_htmx(client_for, requester):
    response = client_for(requester).get(
        reverse("commune_options"), {"q": "45130"}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert '<option value="45203 — Meung-sur-Loire (45130)">' in response.text


def test_the_picker_reads_a_field_of_any_name_such_as_a_birth_place(client):
    response = client.get(reverse("commune_options"), {"birth_place_code": "orl"})

    assert '<option value="45234 — Orléans (45000)">' in response.text


def test_the_picker_reads_a_formset_field_and_needs_no_account(client):
    response = client.get(reverse("commune_options"), {"sites-0-commune": "45130"})

    assert response.status_code == 200
    assert '<option value="45203 — Meung-sur-Loire (45130)">' in response.text


# ---------------------------------------------------------------------------------------------
# The pickers' combobox: JSON suggestions, by name or postcode
# ---------------------------------------------------------------------------------------------
SEARCH = reverse("commune_search")


def test_the_combobox_gets_at_most_ten_suggestions_largest_first_without_an_account(
    client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(2):
        response = client.get(SEARCH, {"q": "saint"})

    assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) == 10
    orleans = client.get(SEARCH, {"q": "orl"}).json()["results"][0]
    assert orleans == {
        "value": "45234 — Orléans (45000)",
        "label": "Orléans (45000)",
        "detail": "Loiret",
    }


def test_the_combobox_finds_communes_by_postcode(client):
    results = client.get(SEARCH, {"q": "45130"}).json()["results"]

    assert "Meung-sur-Loire (45130)" in [r["label"] for r in results]


@pytest.mark.parametrize("typed", ["", "o", "zzzzzz"])
def test_too_short_or_unknown_gives_no_suggestion(client, typed):
    assert client.get(SEARCH, {"q": typed}).json() == {"results": []}


def test_what_a_suggestion_writes_is_read_back_by_the_field():
    picked = CommuneField().clean("45234 — Orléans (45000)")
    shown = CommuneField().clean("Orléans (45000)")

    assert picked.code == shown.code == "45234"


def test_the_fields_are_comboboxes_fed_by_the_search(db):
    from referrals.forms import ReferralForm

    html = str(ReferralForm()["commune"]) + str(ReferralForm()["birth_place_code"])

    assert html.count(f'data-combobox="{SEARCH}"') == 2
    assert "list=" not in html and "hx-get" not in html


def test_a_commune_and_a_specialty_are_read_together_or_reported_unknown(
    db, django_assert_num_queries
):
    from ess.models import Specialty
    from ess.selectors import commune_and_specialty

    specialty = Specialty.objects.create(code="angiologie", label="Angiologie")

    with django_assert_num_queries(1):
        commune, found = commune_and_specialty("45234", "angiologie")
    assert (commune.name, commune.departement_id, found) == ("Orléans", "45", specialty)
    assert commune_and_specialty("99999", "angiologie") == (None, specialty)
    assert commune_and_specialty("45234", "astrologie")[1] is None


def test_a_birth_place_departement_once_found_is_not_read_again(db, django_assert_num_queries):
    from ess.validators import normalize_birth_place_code

    normalize_birth_place_code("45234")
    with django_assert_num_queries(0):
        assert normalize_birth_place_code("45155") == "45155"
    with pytest.raises(ValidationError), django_assert_num_queries(1):
        normalize_birth_place_code("96123")  # unknown: asked each time
