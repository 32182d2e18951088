"""PSC's OAuth2 adapter and its two views (sign-in, return).

Beyond the stock OpenID Connect adapter, on return: the ID token's signature is always checked
against the provider's keys (JWKS), its nonce must be the one this browser sent, its `acr` must be
PSC's eIDAS level, and the userinfo may come as JSON or as a JWT (`application/jwt`) whose
signature is checked against the same keys. Any failure refuses the sign-in with a French
message; nothing is created and nobody is signed in."""

import jwt
from allauth.account.internal.decorators import login_not_required
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from allauth.utils import build_absolute_uri
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from requests import RequestException

from members.psc.identity import ACR, national_id_of

# Asymmetric signatures only: the provider signs with its private key, published in its JWKS.
SIGNING_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256"]


class PSCRefusal(OAuth2Error):
    """A sign-in refused for a reason the professional can act on; the message is shown."""

    def __init__(self, message: str):
        super().__init__(message)
        self.user_message = message


class PSCOAuth2Adapter(OpenIDConnectOAuth2Adapter):
    # The sign-in state stashed when the browser left (nonce, PKCE verifier), set by the
    # callback view; complete_login adds what logout needs (the raw ID token, the end-session
    # endpoint), and allauth hands the same dict to the sign-in as `sociallogin.state`.
    redirect_state: dict | None = None

    def get_callback_url(self, request, app):
        url = reverse("psc_callback", kwargs={"provider_id": self.provider_id})
        return build_absolute_uri(request, url, self.redirect_uri_protocol)

    def complete_login(self, request, app, token, **kwargs):
        raw_id_token = kwargs["response"].get("id_token")
        if not raw_id_token:
            raise PSCRefusal(_("Pro Santé Connect n'a pas renvoyé d'identité : réessayez."))
        claims = self._verified(raw_id_token, app, what=_("l'identité"))
        state = self.redirect_state if self.redirect_state is not None else {}
        if not state.get("nonce") or claims.get("nonce") != state["nonce"]:
            raise PSCRefusal(
                _(
                    "Cette réponse de Pro Santé Connect ne correspond pas à votre demande de "
                    "connexion : réessayez."
                )
            )
        if claims.get("acr") != ACR:
            raise PSCRefusal(
                _(
                    "Connexion refusée : Pro Santé Connect n'a pas confirmé une authentification "
                    "forte (niveau eIDAS substantiel, carte CPS ou application e-CPS). "
                    "Reconnectez-vous avec votre carte CPS ou votre e-CPS."
                )
            )
        userinfo = self._fetch_user_info(token.token)
        if userinfo.get("sub") != claims.get("sub"):
            raise PSCRefusal(
                _("Les informations de Pro Santé Connect sont incohérentes : réessayez.")
            )
        if not national_id_of(userinfo):
            raise PSCRefusal(
                _("Pro Santé Connect n'a pas transmis votre identifiant national (RPPS ou ADELI).")
            )
        state["id_token"] = raw_id_token
        state["end_session_endpoint"] = self.openid_config.get("end_session_endpoint", "")
        return self.get_provider().sociallogin_from_response(
            request, {"userinfo": userinfo, "id_token": claims}
        )

    def _verified(self, credential: str, app, *, what: str, required=("exp", "iss", "aud")) -> dict:
        """The claims of a JWT signed by one of the provider's keys (JWKS), for this client, by
        this issuer, not expired. A token without `kid` is checked against the only key."""
        try:
            header = jwt.get_unverified_header(credential)
            with get_adapter().get_requests_session() as session:
                response = session.get(self.openid_config["jwks_uri"])
                response.raise_for_status()
            keys = jwt.PyJWKSet.from_dict(response.json()).keys
            kid = header.get("kid")
            candidates = [key for key in keys if key.key_id == kid] if kid else keys
            if len(candidates) != 1:
                raise jwt.InvalidKeyError("no single key for this token")
            return jwt.decode(
                credential,
                key=candidates[0],
                algorithms=SIGNING_ALGORITHMS,
                issuer=self.openid_config["issuer"],
                audience=app.client_id,
                options={"require": list(required)},
            )
        except (jwt.PyJWTError, RequestException, KeyError, ValueError) as e:
            raise PSCRefusal(
                _(
                    "Connexion refusée : la signature de %(what)s envoyé par Pro Santé Connect "
                    "est invalide."
                )
                % {"what": what}
            ) from e

    def _fetch_user_info(self, access_token: str) -> dict:
        headers = {"Authorization": f"Bearer {access_token}"}
        with get_adapter().get_requests_session() as session:
            response = session.get(self.profile_url, headers=headers)
            response.raise_for_status()
        content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if content_type == "application/jwt":
            return self._verified(
                response.text.strip(),
                self.get_provider().app,
                what=_("vos informations professionnelles"),
                required=("iss", "aud"),
            )
        return response.json()


class PSCCallbackView(OAuth2CallbackView):
    def _get_state(self, request, provider):
        state, response = super()._get_state(request, provider)
        self.adapter.redirect_state = state
        return state, response


def _view(view_class):
    @login_not_required
    def view(request, provider_id):
        try:
            return view_class.adapter_view(PSCOAuth2Adapter(request, provider_id))(request)
        except SocialApp.DoesNotExist:
            raise Http404 from None

    return view


login = _view(OAuth2LoginView)
callback = _view(PSCCallbackView)
