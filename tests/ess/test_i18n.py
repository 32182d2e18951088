def test_pages_are_in_french_by_default(client_for, requester):
    response = client_for(requester).get("/")

    assert '<html lang="fr">' in response.text
    assert "Espace demandeur" in response.text


def test_english_is_available(client_for, requester):
    client = client_for(requester)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    response = client.get("/")

    assert '<html lang="en">' in response.text
    assert "Requester area" in response.text


def test_management_pages_are_grouped_in_one_menu(client_for, manager):
    from ess.navigation import navigation_for

    bar = navigation_for(manager, "/audit/")

    (group,) = [e for e in bar if e.get("children")]
    assert str(group["label"]) == "Gestion"
    assert group["active"]
    assert {str(c["label"]) for c in group["children"]} >= {"Invitations", "Journal d'audit"}
    page = client_for(manager).get("/audit/").text
    assert 'class="nav-link dropdown-toggle active"' in page
