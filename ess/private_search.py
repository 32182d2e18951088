"""Search terms that may name a patient never travel in a URL.

A URL ends up in access logs, browser history, proxies, the Referer header and the audit trail.
A search box that may receive a patient's name therefore POSTs; the term is kept in the user's
session under a random id, and the page URL carries only that id (`?recherche=<id>`): links,
reloads, htmx polling and pagination keep working, and the name stays on the server. The id means
nothing outside the session that made it (another user, or the same user after signing out, gets
an expired search, never someone else's term).
"""

import secrets
from urllib.parse import urlencode

from django.http import HttpResponseRedirect
from django.urls import reverse

PARAMETER = "recherche"
SESSION_KEY = "ess_private_searches"
# Enough for the back button through recent searches; the oldest are forgotten first.
KEPT = 20
MAX_TERM_LENGTH = 200


def search_remember(request, term: str) -> str:
    """Keep `term` in the session; return its opaque id ('' for an empty term). The same term
    gets the same id back, so typing it again does not fill the session."""
    term = " ".join(term.split())[:MAX_TERM_LENGTH]
    if not term:
        return ""
    searches: dict[str, str] = dict(request.session.get(SESSION_KEY, {}))
    token = next((key for key, saved in searches.items() if saved == term), None)
    if token is None:
        token = secrets.token_urlsafe(12)
    else:
        del searches[token]  # moved to the end: the most recently used
    searches[token] = term
    while len(searches) > KEPT:
        del searches[next(iter(searches))]
    request.session[SESSION_KEY] = searches
    return token


def search_recall(request) -> tuple[str, str, bool]:
    """(id, term, expired) for the `?recherche=` of this request. `expired` is true when an id
    was given that this session does not know (signed out since, or another user's link)."""
    token = request.GET.get(PARAMETER, "").strip()
    if not token:
        return "", "", False
    term = request.session.get(SESSION_KEY, {}).get(token, "")
    return token, term, not term


def wants_search_redirect(request) -> bool:
    """A search was submitted (POST) or arrived the old way, in the URL (`?q=`)."""
    return request.method == "POST" or "q" in request.GET


def search_redirect(request, url_name: str, *, keep: tuple[str, ...] = ()) -> HttpResponseRedirect:
    """303 to the page with the filters in `keep` and the opaque id of the typed term (`q`).

    htmx follows the redirect with its headers and pushes the final URL to the history, so the
    same answer serves the browser without JavaScript, htmx and an old bookmarked `?q=` URL."""
    source = request.POST if request.method == "POST" else request.GET
    params = [(name, source[name]) for name in keep if source.get(name)]
    token = search_remember(request, source.get("q", ""))
    if token:
        params.append((PARAMETER, token))
    url = reverse(url_name) + (f"?{urlencode(params)}" if params else "")
    response = HttpResponseRedirect(url)
    response.status_code = 303  # See Other: the search POST becomes a GET of the result page
    return response
