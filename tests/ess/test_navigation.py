"""The main menu offers a page only to those it opens for, on one line."""

import pytest
from django.urls import reverse
from django.utils import translation

from ess.navigation import NAVIGATION, navigation_for
from tests.menu import menu_links
from tests.security.world import SIGNED_IN_PERSONAS

# Public pages the menu offers only to some roles (the others reach them from the public site).
KEPT_OUT_ON_PURPOSE = {"events:campaign_list"}


@pytest.mark.parametrize("persona", sorted(SIGNED_IN_PERSONAS))
def test_every_menu_entry_opens_for_whom_it_is_shown(persona, request, client_for):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    links = menu_links(user)
    assert links
    for link in links:
        response = client.get(link["url"])
        assert response.status_code == 200, (persona, link["url"], response.status_code)


@pytest.mark.parametrize("persona", sorted(SIGNED_IN_PERSONAS))
def test_no_hidden_entry_would_have_opened(persona, request, client_for):
    """The converse: an entry left out of the menu is a page that refuses the persona (or, for
    the public pages kept out of some menus on purpose)."""
    user = request.getfixturevalue(persona)
    client = client_for(user)
    shown = {link["url"] for link in menu_links(user)}

    for item in NAVIGATION:
        url = reverse(item.url_name)
        if url in shown or item.url_name in KEPT_OUT_ON_PURPOSE:
            continue
        assert client.get(url).status_code in (403, 404), (persona, url)


def test_a_requester_is_not_offered_the_organisation_page(requester, client_for):
    page = client_for(requester).get("/annuaire/")
    assert page.status_code == 200
    assert reverse("members:organisation") not in page.content.decode()


def test_a_member_is_offered_the_organisation_page(specialist, client_for):
    page = client_for(specialist).get("/annuaire/")
    assert reverse("members:organisation") in page.content.decode()


def _bar(user, path="/"):
    return [
        (str(e["label"]), [str(c["label"]) for c in e["children"]])
        if "children" in e
        else str(e["label"])
        for e in navigation_for(user, path)
    ]


def test_a_long_menu_groups_its_pages_into_drop_downs(manager, client_for):
    """A manager who is also on the staff reaches some twenty pages: they are grouped, each
    group where its first page stood, the current page's group marked."""
    bar = navigation_for(manager, "/audit/")

    assert [str(e["label"]) for e in bar] == [
        "Accueil",
        "Agenda",
        "Formation",
        "Réseau",
        "Gestion",
        "Pilotage",
    ]
    (management,) = [e for e in bar if str(e["label"]) == "Gestion"]
    assert management["active"]
    assert [e["label"] for e in bar if e["active"]] == [management["label"]]
    assert {"Invitations", "Journal d'audit", "Budget"} <= {
        str(c["label"]) for c in management["children"]
    }
    page = client_for(manager).get("/audit/").text
    assert 'class="nav-link dropdown-toggle active"' in page
    assert 'class="dropdown-item active" href="/audit/" aria-current="page"' in page


def test_a_short_menu_shows_every_page(authority):
    authority.first_name, authority.last_name = "Isabelle", "Petit"
    assert _bar(authority) == [
        "Accueil",
        "Formations",
        "Partenaires",
        "Lettre d'information",
        "Projet de santé",
        "Indicateurs",
        "Documents transmis",
    ]


def test_a_group_of_one_page_stays_a_plain_entry(paramedic):
    bar = _bar(paramedic)

    assert "Formations" in bar  # the "Formation" group would hold it alone
    assert ("Agenda", ["Consultations avancées", "Télé-RCP"]) in bar


def test_what_still_does_not_fit_goes_into_plus_and_a_long_name_leaves_less_room(requester):
    requester.first_name, requester.last_name = "Claire", "Martin"
    assert _bar(requester) == [
        "Accueil",
        "Mes demandes",
        "Nouvelle demande",
        "Avis immédiat",
        "Parcours",
        "Formations",
        "Annuaire",
        ("Plus", ["Lettre d'information"]),
    ]
    newsletter = navigation_for(requester, reverse("projet_sante:newsletter_archive"))[-1]
    assert newsletter["active"]

    requester.first_name, requester.last_name = "Marie-Bernadette", "de La Rochefoucauld-Liancourt"
    assert _bar(requester)[-1] == (
        "Plus",
        ["Parcours", "Formations", "Annuaire", "Lettre d'information"],
    )


def test_unread_notifications_beside_the_bell_leave_less_room(requester):
    requester.first_name, requester.last_name = "Claire", "Martin"
    with translation.override("en"):
        quiet = [str(e["label"]) for e in navigation_for(requester, "/")]
        busy = [str(e["label"]) for e in navigation_for(requester, "/", unread=15)]

    assert "Newsletter" in quiet
    assert busy[-1] == "More" and "Newsletter" not in busy


def test_the_api_documentation_is_in_the_user_s_menu(requester, client_for):
    page = client_for(requester).get("/").text

    assert f'href="{reverse("api_docs")}">Documentation de l\'API</a>' in page


def test_the_menu_reads_in_english_too(coordinator):
    with translation.override("en"):
        labels = [str(e["label"]) for e in navigation_for(coordinator, "/")]

    assert labels[:3] == ["Home", "Triage", "Care pathways"]
    assert "Steering" in labels
    assert "Schedule" in labels


@pytest.mark.parametrize(
    "path", ["/", "/demandes/sans-compte/", "/inscription/", "/lettre/", "/adhesion/"]
)
def test_every_public_page_offers_to_sign_in_but_the_sign_in_page(db, client, path):
    link = '<a class="nav-link text-white ms-auto" href="/accounts/login/">Se connecter</a>'

    assert link in client.get(path).text
    assert link not in client.get("/accounts/login/").text
