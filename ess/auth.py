"""Sign-in rules shared by allauth, the admin and the API.

- Sign-up is closed: accounts come from an invitation (or, later, a validated membership).
- Demo accounts are refused unless ESS_DEMO is on, with a message saying so.
- Failed sign-ins are counted per account *and* source address (plus allauth's per-address
  limit): a stranger's wrong passwords throttle the stranger, never lock out the owner.
- All emails allauth sends (verification, password reset) go through the outbox.
"""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.auth_backends import AuthenticationBackend
from allauth.core.internal.ratelimit import get_ip
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from ess.client_ip import client_ip
from ess.outbox import email_queue_message

DEMO_DISABLED_MESSAGE = (
    "Les comptes de démonstration sont désactivés sur cette instance "
    "(paramètre ESS_DEMO désactivé)."
)


# Where to send the browser at logout to end the identity provider's session too (an OpenID
# Connect sign-in writes it, e.g. members/psc); without it, allauth's usual page.
IDP_LOGOUT_SESSION_KEY = "ess_idp_logout_url"


def demo_accounts_allowed() -> bool:
    return bool(settings.ESS_DEMO)


class EssAuthenticationBackend(AuthenticationBackend):
    """allauth's email backend, refusing demo accounts on a non-demo instance."""

    def user_can_authenticate(self, user) -> bool:
        if getattr(user, "is_demo", False) and not demo_accounts_allowed():
            return False
        return super().user_can_authenticate(user)


class EssAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return False

    def get_login_stages(self) -> list[str]:
        # allauth's second-factor step, aware of sign-ins that are strong by themselves.
        return [
            "ess.mfa.AuthenticateStage" if path == "allauth.mfa.stages.AuthenticateStage" else path
            for path in super().get_login_stages()
        ]

    def get_logout_redirect_url(self, request) -> str:
        # Read before the session ends (allauth asks first, then logs out).
        return request.session.get(IDP_LOGOUT_SESSION_KEY) or super().get_logout_redirect_url(
            request
        )

    def pre_authenticate(self, request, **credentials):
        email = (credentials.get("email") or "").strip().lower()
        if email and not demo_accounts_allowed():
            User = get_user_model()
            if User.objects.filter(email=email, is_demo=True).exists():
                raise forms.ValidationError(_(DEMO_DISABLED_MESSAGE))
        return super().pre_authenticate(request, **credentials)

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        # allauth keys the "login_failed" per-key limit by account alone, so five wrong passwords
        # from anywhere lock the owner out. Keyed by account and client address, the limit stops
        # a guesser at that address while the owner signs in from theirs; the per-address limit
        # of the same setting still caps one address across every account.
        # get_ip: the address as allauth's limiter counts it (IPv6 grouped by prefix).
        account = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{account}:{get_ip(request)}"

    def get_client_ip(self, request) -> str:
        # allauth's rate limits (sign-in, password reset, public forms) key on the same client
        # address as the audit trail and the API throttles, trusted proxies included.
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine client IP address")
        return ip

    def send_mail(self, template_prefix, email, context):
        message = self.render_mail(template_prefix, email, context)
        email_queue_message(message)
