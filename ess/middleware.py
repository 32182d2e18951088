from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from ess.roles import MFA_REQUIRED_ROLES

# Paths a user without MFA may still reach: signing out, enrolling, static files, probes.
_MFA_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/healthz", "/i18n/", "/jsi18n/")


def user_needs_mfa_enrolment(user) -> bool:
    if not settings.ESS_REQUIRE_MFA or not user.is_authenticated or user.is_demo:
        return False
    if not (user.roles & MFA_REQUIRED_ROLES):
        return False
    return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class RequireMFAMiddleware:
    """allauth cannot force enrolment: staff roles without TOTP are sent to enrol first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(_MFA_EXEMPT_PREFIXES) and user_needs_mfa_enrolment(
            request.user
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": _("Activez la double authentification avant d'utiliser l'API.")},
                    status=403,
                )
            messages.warning(
                request,
                _(
                    "Votre rôle donne accès à des données de santé : activez la double "
                    "authentification (application TOTP) pour continuer."
                ),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)
