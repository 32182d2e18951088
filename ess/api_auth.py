"""API tokens: authentication of `Authorization: Token <key>`, and the services that issue,
list and revoke them (the command `issue_api_token` and the page "Jetons d'API")."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from drf_spectacular.authentication import SessionScheme
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.permissions import SAFE_METHODS

from ess.auth import DEMO_DISABLED_MESSAGE, demo_accounts_allowed
from ess.mfa import API_REFUSALS, Verdict, second_factor_check
from ess.models import ApiToken, TokenScope

# A user may choose a shorter or longer validity than the default, never more than a year.
TOKEN_MAX_DAYS = 365
# last_used_at is bookkeeping: one write per token and minute is enough.
LAST_USED_PRECISION = timedelta(minutes=1)


class FrenchCsrfSessionAuthentication(SessionAuthentication):
    """A signed-in browser's session, as DRF's, with the CSRF refusal said in French (DRF's is
    "CSRF Failed: CSRF token missing.", whatever the language)."""

    def enforce_csrf(self, request):
        try:
            super().enforce_csrf(request)
        except exceptions.PermissionDenied:
            raise exceptions.PermissionDenied(
                _(
                    "Requête refusée par la protection contre la falsification de requêtes "
                    "(CSRF) : une requête faite avec la session d'un navigateur doit venir de ce "
                    "site et porter l'en-tête X-CSRFToken. Un logiciel utilise un jeton d'API "
                    "(Authorization: Token)."
                )
            ) from None


class FrenchCsrfSessionScheme(SessionScheme):
    """Described in the OpenAPI document as DRF's session (`cookieAuth`)."""

    target_class = FrenchCsrfSessionAuthentication


class HashedTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>`; keys are stored as SHA-256 hashes.

    Refuses (401) an unknown, revoked or expired token and a disabled account; refuses (403) a
    write through a read-only token and an owner who does not satisfy the second-factor rule
    (ess/mfa.py), whatever the view's own permissions.
    """

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user, token = result
        if token.scope == TokenScope.READ and request.method not in SAFE_METHODS:
            raise exceptions.PermissionDenied(
                _(
                    "Ce jeton d'API est en lecture seule : il ne permet pas de modifier des "
                    "données. Créez un jeton en lecture et écriture."
                )
            )
        verdict = second_factor_check(user)
        if verdict is not Verdict.SATISFIED:
            raise exceptions.PermissionDenied(str(API_REFUSALS[verdict]))
        _record_use(token)
        return result

    def authenticate_credentials(self, key):
        token = ApiToken.objects.select_related("user").filter(key_hash=ApiToken.hash(key)).first()
        if token is None:
            raise exceptions.AuthenticationFailed(_("Jeton d'API invalide."))
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("Jeton d'API révoqué."))
        if token.is_expired:
            raise exceptions.AuthenticationFailed(
                _("Jeton d'API expiré depuis le %(date)s : créez-en un nouveau.")
                % {"date": date_format(timezone.localtime(token.expires_at), "SHORT_DATE_FORMAT")}
            )
        user = token.user
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("Compte désactivé."))
        if user.is_demo and not demo_accounts_allowed():
            raise exceptions.AuthenticationFailed(_(DEMO_DISABLED_MESSAGE))
        return (user, token)


def _record_use(token: ApiToken) -> None:
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


# ---------------------------------------------------------------------------------------------
# Services
# ---------------------------------------------------------------------------------------------
def token_issue_refusal(user) -> str | None:
    """Why `user` may not hold an API token (French), or None: the same rules as the token
    authentication above, checked before a token is written."""
    if not user.is_active:
        return _("Le compte %(email)s est désactivé.") % {"email": user.email}
    if user.is_demo and not demo_accounts_allowed():
        return _("Les comptes de démonstration sont désactivés (ESS_DEMO).")
    if second_factor_check(user) is not Verdict.SATISFIED:
        return _(
            "Le compte %(email)s a un rôle qui exige la double authentification et n'en a pas "
            "activé : il doit l'activer (application TOTP) sur la plateforme avant de recevoir "
            "un jeton d'API."
        ) % {"email": user.email}
    return None


@transaction.atomic
def token_issue(*, user, name: str, scope: str, days: int | None = None) -> tuple[ApiToken, str]:
    """Create an API token for `user` and return it with its clear key (shown once, stored
    hashed). `days` defaults to ESS_API_TOKEN_DAYS.

    Raises ValidationError (French) when the user may not hold a token (token_issue_refusal),
    or when the name, scope or validity is wrong.
    """
    refusal = token_issue_refusal(user)
    if refusal:
        raise ValidationError(refusal)
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("Donnez un nom au jeton (par exemple le logiciel qui l'utilise)."))
    if len(name) > ApiToken._meta.get_field("name").max_length:
        raise ValidationError(_("Le nom du jeton ne doit pas dépasser 100 caractères."))
    if scope not in TokenScope.values:
        raise ValidationError(
            _("Portée inconnue : %(scope)s (valeurs possibles : %(choices)s).")
            % {"scope": scope, "choices": ", ".join(TokenScope.values)}
        )
    days = settings.ESS_API_TOKEN_DAYS if days is None else days
    if not 1 <= days <= TOKEN_MAX_DAYS:
        raise ValidationError(
            _("La durée de validité doit être comprise entre 1 et %(max)d jours.")
            % {"max": TOKEN_MAX_DAYS}
        )
    key = ApiToken.generate_key()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        scope=scope,
        key_hash=ApiToken.hash(key),
        prefix=key[:8],
        expires_at=timezone.now() + timedelta(days=days),
    )
    return token, key


def tokens_of(user):
    """The user's own tokens, newest first (revoked and expired ones included)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")


def token_get_for_user(user, public_id) -> ApiToken:
    # 404 for "does not exist" and "not yours" alike.
    return get_object_or_404(tokens_of(user), public_id=public_id)


def token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke `token` now; revoking it again changes nothing."""
    ApiToken.objects.filter(pk=token.pk, revoked_at=None).update(revoked_at=timezone.now())
    token.refresh_from_db(fields=["revoked_at"])
    return token


def token_revoke_all(*, user) -> int:
    return ApiToken.objects.filter(user=user, revoked_at=None).update(revoked_at=timezone.now())
