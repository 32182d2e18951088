from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from ess.auth import DEMO_DISABLED_MESSAGE, demo_accounts_allowed
from ess.models import ApiToken


class HashedTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>`; keys are stored as SHA-256 hashes (see issue_api_token)."""

    def authenticate_credentials(self, key):
        token = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=ApiToken.hash(key), revoked_at=None)
            .first()
        )
        if token is None:
            raise exceptions.AuthenticationFailed(_("Jeton d'API invalide ou révoqué."))
        user = token.user
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("Compte désactivé."))
        if user.is_demo and not demo_accounts_allowed():
            raise exceptions.AuthenticationFailed(_(DEMO_DISABLED_MESSAGE))
        return (user, token)


def token_issue(*, user) -> str:
    """Create a new API token for `user` and return its clear value (shown once, stored hashed)."""
    key = ApiToken.generate_key()
    ApiToken.objects.create(user=user, key_hash=ApiToken.hash(key), prefix=key[:8])
    return key


def token_revoke_all(*, user) -> int:
    return ApiToken.objects.filter(user=user, revoked_at=None).update(revoked_at=timezone.now())
