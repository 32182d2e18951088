"""Deeply nested JSON is a 400 with a French message on every API endpoint, never a crash."""

import json

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.parsers import JSONParser

from ess.api_parsers import MAX_JSON_DEPTH, DepthLimitedJSONParser
from referrals.models import Referral
from tests.factories import ReferralFactory

MESSAGE = "Le JSON envoyé est imbriqué trop profondément : 32 niveaux au plus."


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def post_json(api_client, url, raw: str):
    return api_client.generic("POST", url, raw, content_type="application/json")


@pytest.mark.parametrize("depth", [100_000, 5_000, MAX_JSON_DEPTH + 1])
def test_a_deeply_nested_body_on_referral_creation_is_a_400(api_client, requester, depth):
    api_client.force_authenticate(requester)

    response = post_json(api_client, "/api/v1/referrals/", nested(depth))

    assert response.status_code == 400
    assert response.json() == {"detail": MESSAGE}
    assert not Referral.objects.exists()


def test_nesting_hidden_in_a_field_of_a_valid_body_is_refused(api_client, requester, api_body):
    api_client.force_authenticate(requester)
    body = json.dumps({**api_body, "context": json.loads(nested(200))})

    response = post_json(api_client, "/api/v1/referrals/", body)

    assert response.status_code == 400
    assert response.json() == {"detail": MESSAGE}


def test_nesting_up_to_the_limit_reaches_the_serializer(api_client, requester):
    api_client.force_authenticate(requester)

    response = post_json(api_client, "/api/v1/referrals/", nested(MAX_JSON_DEPTH))

    assert response.status_code == 400
    assert response.json() != {"detail": MESSAGE}  # the serializer's field messages


def test_a_transition_endpoint_refuses_it_too(api_client, requester):
    referral = ReferralFactory(requester=requester)
    api_client.force_authenticate(requester)

    response = post_json(
        api_client, f"/api/v1/referrals/{referral.public_id}/cancel/", nested(100_000)
    )

    assert response.status_code == 400
    assert response.json() == {"detail": MESSAGE}
    referral.refresh_from_db()
    assert referral.status == "submitted"


def _api_views(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _api_views(pattern, route)
        elif isinstance(pattern, URLPattern) and route.startswith("api/"):
            view_class = getattr(pattern.callback, "cls", None)
            if view_class is not None:
                yield route, view_class


def test_every_api_view_parses_json_with_the_depth_limit():
    """A view that sets its own parser_classes must not bring back the plain JSON parser."""
    views = list(_api_views())
    assert len(views) > 10

    for route, view_class in views:
        json_parsers = [p for p in view_class.parser_classes if issubclass(p, JSONParser)]
        assert all(issubclass(p, DepthLimitedJSONParser) for p in json_parsers), route
