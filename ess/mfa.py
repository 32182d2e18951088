"""The second-factor rule, one definition for every way in.

Every role that reaches patient data or steers the ESS (`MFA_REQUIRED_ROLES`), and every
account with access to the Django admin (`is_staff`), needs a second factor, always. The only
exemption is a demo account (`User.is_demo`, set by `seed_demo`) while
`ESS_DEMO` is on. What satisfies the rule depends on the way in:

- a browser session: the session itself passed a second factor, recorded in it by
  `second_factor_mark`. allauth asks for the code at sign-in; the receivers below mark the
  session when it does, when the user confirms a code later (re-authentication) and when they
  enrol during the session. A staff session without the mark is sent to enrol (no authenticator)
  or to type a code (enrolled);
- an API token: the token stands for its owner without a sign-in, so the owner must hold an
  enrolled second factor (checked at every request: removing the TOTP stops the tokens);
- an OpenID Connect sign-in that is itself a strong authentication (Pro Santé Connect: e-CPS or
  CPS card) satisfies the rule for its session: `STRONG_LOGIN_PROVIDERS` lists the allauth
  provider ids whose sign-in marks the session (the `socialaccount` authentication step of
  allauth), and allauth's code prompt at sign-in is skipped for it (`AuthenticateStage`, used
  by ess.auth's adapter). A session so marked needs no TOTP; its
  API tokens do, because a token outlives the session.

The session middleware (`ess.middleware`) and the token authentication (`ess.api_auth`) both ask
`second_factor_check`; `issue_api_token` and the token page refuse a token that would be refused.
"""

import enum

from allauth.account.signals import authentication_step_completed
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added, authenticator_removed
from allauth.mfa.stages import AuthenticateStage as AllauthAuthenticateStage
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from ess.auth import demo_accounts_allowed
from ess.roles import MFA_REQUIRED_ROLES

SESSION_KEY = "ess_second_factor"
# allauth provider ids whose sign-in is a strong authentication by itself.
STRONG_LOGIN_PROVIDERS = frozenset({"psc"})
# Authenticators that are a second factor (recovery codes only back one up).
SECOND_FACTOR_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


class Verdict(enum.Enum):
    SATISFIED = "satisfied"
    # No second factor enrolled: the user must enrol one (pages) or is refused (API).
    ENROL = "enrol"
    # Enrolled, but this session did not pass it: the user confirms a code.
    CONFIRM = "confirm"


# What the API answers (403) when the rule is not satisfied, whatever the way in.
API_REFUSALS = {
    Verdict.ENROL: _(
        "Votre rôle donne accès à des données de santé : activez la double authentification "
        "(application TOTP) sur la plateforme avant d'utiliser l'API."
    ),
    Verdict.CONFIRM: _(
        "Cette session n'a pas été ouverte avec la double authentification : saisissez le "
        "code de votre application sur la plateforme avant d'utiliser l'API."
    ),
}


def second_factor_required(user) -> bool:
    """Staff roles and admin access always; a demo account only when demo accounts are
    switched off."""
    if not user.is_authenticated:
        return False
    if not (user.is_staff or user.roles & MFA_REQUIRED_ROLES):
        return False
    return not (user.is_demo and demo_accounts_allowed())


def has_second_factor(user) -> bool:
    return Authenticator.objects.filter(user=user, type__in=SECOND_FACTOR_TYPES).exists()


def second_factor_check(user, *, session=None) -> Verdict:
    """Does `user`, coming in through `session` (a browser session) or through an API token
    (`session=None`), satisfy the second-factor rule?

    A session that passed a second factor stays satisfied without a query per request; removing
    the authenticator from that session clears its mark (receiver below).
    """
    if not second_factor_required(user):
        return Verdict.SATISFIED
    if session is not None and (session.get(SESSION_KEY) or {}).get("user") == str(user.pk):
        return Verdict.SATISFIED
    if not has_second_factor(user):
        return Verdict.ENROL
    return Verdict.SATISFIED if session is None else Verdict.CONFIRM


def strong_sign_in(session, user) -> bool:
    """Did `user` open `session` with a sign-in strong by itself (STRONG_LOGIN_PROVIDERS)?"""
    mark = session.get(SESSION_KEY) or {}
    return mark.get("user") == str(user.pk) and mark.get("method") in STRONG_LOGIN_PROVIDERS


class AuthenticateStage(AllauthAuthenticateStage):
    """allauth asks every enrolled user for a code at sign-in; a sign-in through a strong
    provider passed the second factor already (the mark is written before this stage runs)."""

    def _should_handle(self, request) -> bool:
        if self.login.user is not None and strong_sign_in(request.session, self.login.user):
            return False
        return super()._should_handle(request)


def second_factor_mark(session, user, *, method: str) -> None:
    """Record in `session` that `user` passed a second factor (`method`: "mfa" or a provider id
    of `STRONG_LOGIN_PROVIDERS`). Django keeps session data across the sign-in that follows."""
    session[SESSION_KEY] = {"user": str(user.pk), "method": method}


@receiver(authentication_step_completed, dispatch_uid="ess_mfa_step")
def _on_authentication_step(sender, request, user, method, **kwargs):
    # "mfa": a TOTP or recovery code at sign-in or re-authentication; "socialaccount": an
    # OpenID Connect sign-in, strong only for the providers listed above.
    if method == "mfa":
        second_factor_mark(request.session, user, method="mfa")
    elif method == "socialaccount" and kwargs.get("provider") in STRONG_LOGIN_PROVIDERS:
        second_factor_mark(request.session, user, method=kwargs["provider"])


@receiver(authenticator_added, dispatch_uid="ess_mfa_added")
def _on_authenticator_added(sender, request, user, authenticator, **kwargs):
    # Enrolling means typing a valid code from the new authenticator: this session passed it.
    if authenticator.type in SECOND_FACTOR_TYPES:
        second_factor_mark(request.session, user, method="mfa")


@receiver(authenticator_removed, dispatch_uid="ess_mfa_removed")
def _on_authenticator_removed(sender, request, user, authenticator, **kwargs):
    # The session's proof was that authenticator: from now on it needs another one (or enrols).
    mark = request.session.get(SESSION_KEY) or {}
    if authenticator.type in SECOND_FACTOR_TYPES and mark.get("method") == "mfa":
        del request.session[SESSION_KEY]
