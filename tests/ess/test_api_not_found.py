"""An API URL that matches nothing answers like every other API 404: JSON, in French, as the
schema documents it. Pages keep their HTML 404."""

import re

import pytest

from tests.factories import ReferralFactory
from tests.security.api_schema import answer, api_schema_fixture  # noqa: F401 (fixture)

NOT_FOUND = {"detail": "Non trouvé."}


@pytest.mark.parametrize(
    ("path", "method", "identifier"),
    [
        ("/api/v1/referrals/{id}/messages/", "GET", "0.5"),
        ("/api/v1/referrals/{id}/accept/", "POST", "0.5"),
        ("/api/v1/conventions/{id}/sign/", "POST", "0.5"),
        ("/api/v1/notifications/{public_id}/read/", "POST", "0"),
    ],
)
def test_an_identifier_no_url_can_match_gets_the_documented_json_404(
    api_schema, coordinator, path, method, identifier
):
    (name,) = re.findall(r"\{(\w+)\}", path)

    response = answer(
        api_schema, path, method, user=coordinator, path_parameters={name: identifier}
    )

    assert response.status_code == 404
    assert response.json() == NOT_FOUND


@pytest.mark.parametrize(
    ("path", "method"),
    [
        ("/api/v1/referrals/{id}/", "GET"),
        ("/api/v1/referrals/{id}/messages/", "GET"),
        ("/api/v1/referrals/{id}/cancel/", "POST"),
    ],
)
def test_a_referral_the_caller_may_not_see_is_not_found_in_french(
    api_schema, requester, path, method
):
    hidden = ReferralFactory()
    body = {"body": {"reason": "Vu."}, "media_type": "application/json"} if method == "POST" else {}

    response = answer(
        api_schema,
        path,
        method,
        user=requester,
        path_parameters={"id": str(hidden.public_id)},
        **body,
    )

    assert response.status_code == 404
    assert response.json() == NOT_FOUND  # not "No Referral matches the given query."


def test_an_unknown_api_path_is_a_json_404_too(client, db):
    response = client.get("/api/v1/nulle-part/")

    assert response.status_code == 404
    assert response.json() == NOT_FOUND


def test_a_page_url_that_matches_nothing_keeps_the_html_404(client, db):
    response = client.get("/demandes/0.5/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
