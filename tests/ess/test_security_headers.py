"""Headers every response carries: no caching of what a signed-in user sees, and no access to
browser features the platform does not use."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.factories import ReferralFactory

DENIED_FEATURES = ("camera", "microphone", "geolocation", "payment", "usb")


def assert_not_cached(response):
    assert "no-store" in response["Cache-Control"]
    assert response["Pragma"] == "no-cache"


def test_pages_shown_to_a_signed_in_user_are_not_cached(client_for, coordinator, territory):
    client = client_for(coordinator)
    referral = ReferralFactory()

    for url in (
        "/",
        reverse("referrals:dashboard"),
        reverse("referrals:detail", args=[referral.public_id]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "no-store", url
        assert response["Pragma"] == "no-cache", url


def test_a_refusal_to_a_signed_in_user_is_not_cached_either(client_for, requester):
    response = client_for(requester).get(reverse("audit_list"))

    assert response.status_code == 403
    assert_not_cached(response)


def test_api_responses_to_a_token_are_not_cached(api_client, requester, capsys):
    call_command("issue_api_token", requester.email)
    token = capsys.readouterr().out.strip()

    response = api_client.get(reverse("api:me"), HTTP_AUTHORIZATION=f"Token {token}")

    assert response.status_code == 200
    assert_not_cached(response)


def test_downloads_are_not_cached(client_for, manager):
    response = client_for(manager).get(reverse("members:directory_export"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert_not_cached(response)


def test_a_view_s_own_stricter_header_is_kept(client_for, coordinator, territory):
    # The health probe sends Django's never_cache header, which already says no-store.
    response = client_for(coordinator).get("/healthz")

    assert response["Cache-Control"].startswith("max-age=0")
    assert "no-store" in response["Cache-Control"]
    assert response["Pragma"] == "no-cache"


def test_public_pages_for_anonymous_visitors_keep_normal_caching(client, db):
    response = client.get(reverse("projet_sante:newsletter_archive"))

    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert "Pragma" not in response


@pytest.fixture
def static_served(settings):
    """WhiteNoise serves the static files from the source tree, as it does after collectstatic."""
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True


def test_static_files_keep_their_caching_even_for_a_signed_in_user(
    static_served, client_for, coordinator
):
    response = client_for(coordinator).get("/static/css/ess.css")

    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert "Pragma" not in response


@pytest.mark.parametrize(
    "url", ["/", "/accounts/login/", "/api/schema/", "/page-qui-n-existe-pas/", "/healthz"]
)
def test_every_response_denies_unused_browser_features(client, db, url):
    response = client.get(url)

    policy = dict(item.strip().split("=", 1) for item in response["Permissions-Policy"].split(","))
    for feature in DENIED_FEATURES:
        assert policy[feature] == "()", feature


def test_static_files_carry_the_permissions_policy_too(static_served, client):
    response = client.get("/static/css/ess.css")

    assert response.status_code == 200
    assert "camera=()" in response["Permissions-Policy"]
