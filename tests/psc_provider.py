"""A real OpenID Connect provider on loopback, standing in for Pro Santé Connect.

`oidc-provider-mock` (authlib's authorisation server in a Flask app) serves discovery, the
authorisation form, the token endpoint, JWKS, userinfo and end-session over real HTTP on
127.0.0.1. Around it, this helper only answers, when asked, userinfo as a JWT signed
with the provider's own key ("jwt") or with a stranger's key ("jwt-forged"), as PSC may.
Each professional's claims are set per test; `acr` in them is the level the provider asserts in
the ID token."""

import copy
import os
import threading
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import httpx
import werkzeug.serving

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # authlib's own deprecation notices on import
    import flask
    import oidc_provider_mock
    from authlib.jose import JsonWebKey, jwt

CLIENT_ID = "ess-test-client"
CLIENT_SECRET = "ess-test-secret"


def directory_entry(rpps: str, *, last_name: str, first_name: str, commune_code: str):
    """A GP's line in the national directory's copy."""
    from django.utils import timezone

    from members.models import DirectoryEntry, DirectoryIdType

    names = {"last_name": last_name, "first_name": first_name}
    practice = {"commune_code": commune_code, "departement_code": commune_code[:2]}
    general_practice = {"profession_code": "10", "profession_label": "Médecin"} | {
        "specialty_code": "SM54",
        "specialty_label": "Médecine générale",
    }
    return DirectoryEntry.objects.create(
        national_id="8" + rpps,
        id_type=DirectoryIdType.RPPS,
        identifier=rpps,
        imported_at=timezone.now(),
        **names,
        **practice,
        **general_practice,
    )


def psc_claims(national_id: str, *, given_name: str, family_name: str, email: str, acr="eidas1"):
    """Claims shaped like PSC's userinfo (scope_all), abridged."""
    return {
        "preferred_username": national_id,
        "SubjectNameID": national_id,
        "given_name": given_name,
        "family_name": family_name,
        "email": email,
        "acr": acr,
        "SubjectRefPro": {
            "codeCivilite": "DR",
            "exercices": [{"codeProfession": "10", "codeSavoirFaire": "SM54"}],
        },
    }


@dataclass
class LoopbackProvider:
    url: str
    userinfo_format: str = "json"  # "json", "jwt" or "jwt-forged"

    @property
    def discovery_url(self) -> str:
        return f"{self.url}/.well-known/openid-configuration"

    def set_professional(self, sub: str, claims: dict) -> None:
        httpx.put(f"{self.url}/users/{sub}", json=claims).raise_for_status()

    def authorize(self, authorize_url: str, sub: str) -> str:
        """The professional authenticates as `sub`: the provider's redirect back to the platform."""
        response = httpx.post(authorize_url, data={"sub": sub, "action": "authorize"})
        assert response.status_code == 302, response.text
        return response.headers["location"]

    def configure(self, settings) -> None:
        """Point the platform at this provider, as PSC_* variables do at PSC."""
        settings.SOCIALACCOUNT_PROVIDERS = self.socialaccount_settings()
        policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
        policy["DIRECTIVES"]["form-action"] = [*policy["DIRECTIVES"]["form-action"], self.url]
        settings.CONTENT_SECURITY_POLICY = policy

    def socialaccount_settings(self) -> dict:
        return {
            "psc": {
                "APPS": [
                    {
                        "provider_id": "psc",
                        "name": "Pro Santé Connect",
                        "client_id": CLIENT_ID,
                        "secret": CLIENT_SECRET,
                        "settings": {"server_url": self.discovery_url},
                    }
                ]
            }
        }


def _userinfo_as_jwt(provider: LoopbackProvider, foreign_key):
    def after(response):
        if flask.request.path != "/userinfo" or provider.userinfo_format == "json":
            return response
        own_key = flask.g.oidc_provider_mock_storage.jwk
        key = own_key if provider.userinfo_format == "jwt" else foreign_key
        claims = {**response.get_json(), "iss": provider.url, "aud": CLIENT_ID}
        # A forged token names the provider's key (if it has an id): only the signature differs.
        header = {"alg": "RS256"}
        if kid := own_key.as_dict().get("kid"):
            header["kid"] = kid
        token = jwt.encode(header, claims, key.as_dict(is_private=True))
        return flask.Response(token, content_type="application/jwt")

    return after


@contextmanager
def loopback_provider():
    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"  # plain HTTP on loopback
    app = oidc_provider_mock.app(require_nonce=True)
    server = werkzeug.serving.make_server("127.0.0.1", 0, app, threaded=True)
    provider = LoopbackProvider(url=f"http://127.0.0.1:{server.server_port}")
    foreign_key = JsonWebKey.generate_key("RSA", 2048, is_private=True)

    app.after_request(_userinfo_as_jwt(provider, foreign_key))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()


def query_of(url: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
