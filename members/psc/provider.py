"""The `psc` provider: allauth's OpenID Connect provider with PSC's scope, the eIDAS level asked
for, PKCE and a nonce on every authorisation request."""

import secrets

from allauth.socialaccount.providers.openid_connect.provider import (
    OpenIDConnectProvider,
    OpenIDConnectProviderAccount,
)

from members.psc.identity import ACR, PROVIDER_ID, national_id_of
from members.psc.views import PSCOAuth2Adapter


class PSCAccount(OpenIDConnectProviderAccount):
    def to_str(self):
        data = self.get_user_data() or {}
        name = f"{data.get('given_name', '')} {data.get('family_name', '')}".strip()
        return name or super().to_str()


class PSCProvider(OpenIDConnectProvider):
    id = PROVIDER_ID
    name = "Pro Santé Connect"
    account_class = PSCAccount
    oauth2_adapter_class = PSCOAuth2Adapter
    pkce_enabled_default = True

    def get_default_scope(self):
        return ["openid", "scope_all"]

    def get_auth_params(self):
        return {**super().get_auth_params(), "acr_values": ACR}

    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        # A fresh nonce per request, kept in the sign-in state and compared with the ID token's
        # on return. The eIDAS level is set last: no query parameter can lower it.
        nonce = secrets.token_urlsafe(32)
        auth_params = kwargs.pop("auth_params", None)
        if auth_params is None:
            auth_params = self.get_auth_params()
        auth_params = {**auth_params, "nonce": nonce, "acr_values": ACR}
        return super().redirect(
            request, process, next_url, data, auth_params=auth_params, nonce=nonce, **kwargs
        )

    def extract_uid(self, data):
        # The account is the professional's national identifier, stable across PSC's sessions.
        return national_id_of(data.get("userinfo") or {})

    def extract_email_addresses(self, data):
        # The address comes with an identity PSC verified (e-CPS or CPS card); it is taken as
        # verified, as the account it opens answers to that identity, not to the mailbox.
        addresses = super().extract_email_addresses(data)
        for address in addresses:
            address.verified = True
        return addresses


provider_classes = [PSCProvider]
