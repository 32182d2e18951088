"""Error answers that the framework gives around the views are in the schema: a page past the
last one (404), a message or document sent to a closed referral (409), throttling (429 with
Retry-After). Each is requested for real and checked against /api/schema/ by Schemathesis."""

import pytest

from tests.factories import ReferralFactory
from tests.referrals.conftest import pdf_upload
from tests.security.api_schema import answer, api_schema_fixture  # noqa: F401 (fixture)


def _paginated_lists(schema) -> list[str]:
    return [
        path
        for path, item in schema.raw_schema["paths"].items()
        if any(p["name"] == "page" for p in item.get("get", {}).get("parameters", []))
    ]


@pytest.mark.parametrize("page", ["999", "0", "dernière"])
def test_a_page_that_does_not_exist_is_a_documented_404_on_every_list(
    api_schema, coordinator, page
):
    schema, _ = api_schema
    lists = _paginated_lists(schema)
    assert len(lists) >= 7, lists
    coordinator.role_grants.create(role="manager")

    for path in lists:
        response = answer(api_schema, path, "GET", user=coordinator, query={"page": page})

        assert response.status_code == 404, path
        assert response.json() == {"detail": "Page non valide."}, path


def test_a_message_to_a_closed_referral_is_a_documented_409(api_schema, requester):
    closed = ReferralFactory(requester=requester, status="cancelled")

    response = answer(
        api_schema,
        "/api/v1/referrals/{id}/messages/",
        "POST",
        user=requester,
        path_parameters={"id": str(closed.public_id)},
        body={"body": "Une précision."},
        media_type="application/json",
    )

    assert response.status_code == 409
    assert "close" in response.json()["detail"]


def test_a_document_for_a_closed_referral_is_a_documented_409(api_schema, requester):
    closed = ReferralFactory(requester=requester, status="cancelled")

    response = answer(
        api_schema,
        "/api/v1/referrals/{id}/attachments/",
        "POST",
        user=requester,
        path_parameters={"id": str(closed.public_id)},
        body={"files": [pdf_upload().read()]},
        media_type="multipart/form-data",
    )

    assert response.status_code == 409
    assert not closed.attachments.exists()


@pytest.fixture
def one_call_a_minute(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"user": "1/min", "anon": "1/min"},
    }


@pytest.mark.parametrize(
    ("path", "method"),
    [("/api/v1/me/", "GET"), ("/api/v1/referrals/", "GET"), ("/api/v1/referrals/", "POST")],
)
def test_a_throttled_call_is_a_documented_429_with_retry_after(
    api_schema, one_call_a_minute, requester, path, method
):
    body = {"body": {}, "media_type": "application/json"} if method == "POST" else {}
    answer(api_schema, "/api/v1/me/", "GET", user=requester)

    response = answer(api_schema, path, method, user=requester, **body)

    assert response.status_code == 429
    assert response.json()["detail"].startswith("Trop de requêtes vers l'API")
    assert 0 < int(response.headers["retry-after"][0]) <= 60
