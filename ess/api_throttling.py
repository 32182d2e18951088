"""API rate limits: per signed-in user, and per client address for anonymous callers.

Counters live in Django's default cache, i.e. Redis in production, so every web worker counts
together. Rates come from settings (`ESS_API_RATE_USER`, `ESS_API_RATE_ANON`) through
`REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`.
"""

import math

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from rest_framework import exceptions, throttling
from rest_framework.settings import api_settings

from ess.client_ip import client_ip


class _ClientAddressMixin:
    def get_ident(self, request):
        # The same client address as the audit trail and allauth (trusted proxies only).
        return client_ip(request) or "unknown"

    def get_rate(self):
        # DRF binds the rates at import; read them at request time so settings stay the truth.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class UserRateThrottle(_ClientAddressMixin, throttling.UserRateThrottle):
    """Signed-in callers (session or token), counted per account."""


class AnonRateThrottle(_ClientAddressMixin, throttling.AnonRateThrottle):
    """Anonymous callers, counted per client address."""


class ApiThrottled(exceptions.Throttled):
    default_detail = _(
        "Trop de requêtes vers l'API : la limite de votre compte ou de votre adresse est atteinte."
    )

    def __init__(self, wait=None):
        detail = str(self.default_detail)
        if wait is not None:
            wait = math.ceil(wait)
            detail += " " + ngettext(
                "Réessayez dans %(seconds)d seconde.", "Réessayez dans %(seconds)d secondes.", wait
            ) % {"seconds": wait}
        # DRF's own suffix ("Expected available in…") is not ours: build the detail here.
        super().__init__(wait=None, detail=detail)
        self.wait = wait
