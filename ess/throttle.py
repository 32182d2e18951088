"""Public forms (no account) are throttled per IP address.

The counters are allauth's rate limiter (the one that already throttles sign-ins), fed by the
`ACCOUNT_RATE_LIMITS` setting: one place for every limit, counters in the shared cache (Redis in
production) so that all web workers count together.
"""

from allauth.core import ratelimit
from django.shortcuts import render


def throttled_response(request, *, action: str, key: str | None = None):
    """None when the POST may go on; otherwise the French 429 page (and nothing is written).
    `key` names what a per-key limit counts (a link, whoever tries it)."""
    if request.method != "POST" or ratelimit.consume(request, action=action, key=key):
        return None
    return render(request, "ess/throttled.html", status=429)
