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
