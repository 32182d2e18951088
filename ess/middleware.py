from urllib.parse import urlencode

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from ess.mfa import API_REFUSALS, Verdict, second_factor_check

# Paths a user without a second factor may still reach: signing in and out, enrolling,
# confirming a code, static files, probes.
_MFA_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/healthz", "/i18n/", "/jsi18n/")
_API_PREFIXES = ("/api/",)


class RequireMFAMiddleware:
    """The second-factor rule (ess/mfa.py) for browser sessions. allauth asks for the code at
    sign-in but cannot force enrolment: staff without a second factor are sent to enrol first,
    and a session that did not pass it is asked for a code. API tokens get the same rule in
    ess/api_auth.py."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(_MFA_EXEMPT_PREFIXES) or not request.user.is_authenticated:
            return self.get_response(request)
        verdict = second_factor_check(request.user, session=request.session)
        if verdict is Verdict.SATISFIED:
            return self.get_response(request)
        if request.path.startswith(_API_PREFIXES):
            return JsonResponse({"detail": str(API_REFUSALS[verdict])}, status=403)
        if verdict is Verdict.ENROL:
            messages.warning(
                request,
                _(
                    "Votre rôle donne accès à des données de santé : activez la double "
                    "authentification (application TOTP) pour continuer."
                ),
            )
            return redirect("mfa_activate_totp")
        messages.info(request, _("Saisissez le code de votre application d'authentification."))
        query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
        return redirect(reverse("mfa_reauthenticate") + (f"?{query}" if query else ""))
