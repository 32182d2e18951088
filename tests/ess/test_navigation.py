"""The main menu offers a page only to those it opens for."""

import pytest
from django.urls import reverse

from ess.navigation import NAVIGATION, navigation_for
from tests.security.world import SIGNED_IN_PERSONAS

# Public pages the menu offers only to some roles (the others reach them from the public site).
KEPT_OUT_ON_PURPOSE = {"api_docs", "events:campaign_list"}


def _links(bar):
    return [e for item in bar for e in item.get("children", [item])]


@pytest.mark.parametrize("persona", sorted(SIGNED_IN_PERSONAS))
def test_every_menu_entry_opens_for_whom_it_is_shown(persona, request, client_for):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    links = _links(navigation_for(user, "/"))
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
    shown = {link["url"] for link in _links(navigation_for(user, "/"))}

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
