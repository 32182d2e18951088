"""`?format=` on the API: a renderer's name selects it; anything else is ignored like any unknown
parameter, never a 404 that would say the resource does not exist."""

import pytest

from tests.conftest import signed_in
from tests.security.api_schema import answer, api_schema_fixture  # noqa: F401 (fixture)


@pytest.mark.parametrize("fmt", ["csv", "true", "xml"])
def test_an_unknown_format_is_ignored(api_schema, territory, requester, fmt):
    response = answer(
        api_schema, "/api/v1/communes/", "GET", user=requester, query={"q": "orl", "format": fmt}
    )

    assert response.status_code == 200
    assert "Orléans" in {commune["name"] for commune in response.json()}


def test_the_json_format_still_selects_json(client, territory, requester):
    response = signed_in(client, requester).get("/api/v1/communes/", {"q": "orl", "format": "json"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


def test_the_schema_is_still_served_in_json_or_yaml(client, db):
    assert client.get("/api/schema/", {"format": "json"}).json()["openapi"] == "3.1.0"
    assert client.get("/api/schema/", {"format": "yaml"}).content.startswith(b"openapi: 3.1.0")
