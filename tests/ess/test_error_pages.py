"""The error pages: French, in the site's layout, with a way back home."""

import re

import pytest
from django.test import RequestFactory
from django.urls import path
from django.views import defaults

from ess import urls as ess_urls
from tests.conftest import signed_in


def _boom(request):
    raise RuntimeError("boom")


urlpatterns = [path("boom/", _boom), *ess_urls.urlpatterns]


def test_an_unknown_page_is_the_french_404_in_the_layout(client, requester, settings):
    settings.DEBUG = False
    page = signed_in(client, requester).get("/cette-page-n-existe-pas/")
    body = page.content.decode()
    assert page.status_code == 404
    assert "Page introuvable" in body
    assert "Retour à l'accueil" in body
    assert 'id="nav-main"' in body  # the site's menu


def test_a_missing_object_and_another_persons_object_give_the_same_page(
    client, requester, other_requester, settings
):
    from tests.factories import ReferralFactory

    settings.DEBUG = False
    theirs = ReferralFactory(requester=other_requester)
    client = signed_in(client, requester)
    other = client.get(f"/demandes/{theirs.public_id}/")
    missing = client.get("/demandes/00000000-0000-0000-0000-000000000000/")
    assert other.status_code == missing.status_code == 404
    # Only the masked CSRF tokens differ from one response to the next.
    token = re.compile(rb'(csrfmiddlewaretoken" value=|"X-CSRFToken": )"[^"]*"')
    assert token.sub(b"", other.content) == token.sub(b"", missing.content)


def test_the_api_keeps_its_json_404(client, settings):
    settings.DEBUG = False
    response = client.get("/api/v1/inconnu/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_a_page_of_another_role_is_the_french_403(client, requester, settings):
    settings.DEBUG = False
    page = signed_in(client, requester).get("/regulation/")
    body = page.content.decode()
    assert page.status_code == 403
    assert "Accès refusé" in body
    assert "Retour à l'accueil" in body
    assert 'id="nav-main"' in body


def test_the_500_page_renders_without_a_request_context(db):
    response = defaults.server_error(RequestFactory().get("/"))
    body = response.content.decode()
    assert response.status_code == 500
    assert "Erreur du serveur" in body
    assert 'href="/"' in body


@pytest.mark.urls("tests.ess.test_error_pages")
def test_an_exception_in_a_view_gives_the_500_page(client, settings):
    settings.DEBUG = False
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    assert "Erreur du serveur" in response.content.decode()


def test_the_error_pages_speak_english_too(client, requester, settings):
    from django.utils import translation

    settings.DEBUG = False
    with translation.override("en"):
        assert "Server error" in defaults.server_error(RequestFactory().get("/")).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client = signed_in(client, requester)
    assert "This page does not exist" in client.get("/nulle-part/").content.decode()
    assert "Access denied" in client.get("/regulation/").content.decode()
