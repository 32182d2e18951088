"""HTTP-level protections that hold for every view, so no view has to remember them.

- `RejectMalformedInputMiddleware`: a query parameter or form field holding a control
  character (NUL and the like), or a query string that is not valid percent-encoded UTF-8 or
  is longer than any page builds, is refused with a 400 before any view runs. PostgreSQL
  cannot store NUL in text, and no French name, address or free text needs a control character
  (tab and line breaks excepted in forms). JSON bodies, parsed by the API only, get the same
  rule in `ess.api_parsers`.
- `NoStoreForAuthenticatedMiddleware`: nothing served to a signed-in user is kept by a browser
  or proxy cache (patient data on shared workstations).
"""

import re
from urllib.parse import unquote_to_bytes

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

# Unicode "Cc": C0 controls, DEL and C1 controls.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Forms and JSON text legitimately carry tabs and line breaks (text areas).
CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_BAD_PERCENT = re.compile(rb"%(?![0-9A-Fa-f]{2})")
_FIELD_NAME_SHOWN = re.compile(r"[\w.\-\[\]]{1,50}")
# No page builds a query string of more than a few hundred characters. gunicorn already refuses
# a request line over 4,094 bytes; this says the same in French whatever the server, before any
# view parses or searches on a value of that size.
MAX_QUERY_STRING = 4096


class _Refused(Exception):
    def __init__(self, message: str):
        self.message = message


def _field(name: str) -> str:
    # The name goes into the message only when it is short and plain (never echo garbage).
    return name if _FIELD_NAME_SHOWN.fullmatch(name) else "?"


def control_message(name: str) -> str:
    return _(
        "Le paramètre « %(name)s » contient un caractère de contrôle (octet nul ou caractère "
        "invisible) : la requête a été refusée."
    ) % {"name": _field(name)}


def _decode(part: bytes) -> str:
    if _BAD_PERCENT.search(part):
        raise _Refused(
            _(
                "La requête contient un encodage invalide (un « % » qui n'est pas suivi de deux "
                "chiffres hexadécimaux) : elle a été refusée."
            )
        )
    try:
        return unquote_to_bytes(part.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        raise _Refused(
            _("La requête contient du texte qui n'est pas encodé en UTF-8 : elle a été refusée.")
        ) from None


def _check_urlencoded(raw: bytes, control: re.Pattern) -> None:
    for pair in raw.split(b"&"):
        if not pair:
            continue
        raw_name, _sep, raw_value = pair.partition(b"=")
        name, value = _decode(raw_name), _decode(raw_value)
        if control.search(name) or control.search(value):
            raise _Refused(control_message(name))


def _query_string_bytes(request) -> bytes:
    # WSGI (PEP 3333) and Django's ASGI handler both give the raw bytes decoded as latin-1.
    query = request.META.get("QUERY_STRING", "")
    if len(query) > MAX_QUERY_STRING:
        raise _Refused(
            _(
                "Les paramètres de la requête sont trop longs (plus de %(max)d caractères) : "
                "elle a été refusée."
            )
            % {"max": MAX_QUERY_STRING}
        )
    try:
        return query.encode("latin-1")
    except UnicodeEncodeError:
        return query.encode("utf-8")


def _check_form(request) -> None:
    if request.method in ("GET", "HEAD", "OPTIONS", "TRACE"):
        return
    content_type = request.content_type or ""
    if content_type == "application/x-www-form-urlencoded":
        _check_urlencoded(request.body, CONTROL_IN_TEXT)
    elif content_type == "multipart/form-data" and request.method == "POST":
        # Parses the body now rather than in the view (as CsrfViewMiddleware does for every
        # form POST anyway): a view can no longer swap request.upload_handlers.
        for name, values in request.POST.lists():
            if CONTROL_IN_TEXT.search(name) or any(CONTROL_IN_TEXT.search(v) for v in values):
                raise _Refused(control_message(name))


def fhir_error(message: str, *, status: int, code: str) -> JsonResponse:
    """An error of `/fhir/` answered before or outside its views: an OperationOutcome of one
    issue, as `interop.fhir.outcome` builds them (the core does not import interop)."""
    outcome = {
        "resourceType": "OperationOutcome",
        "issue": [
            {
                "severity": "error",
                "code": code,
                "diagnostics": message,
                "details": {"text": message},
            }
        ],
    }
    return JsonResponse(
        outcome,
        status=status,
        content_type="application/fhir+json",
        json_dumps_params={"ensure_ascii": False},
    )


def bad_request(request, message: str) -> HttpResponse:
    """400 in the shape the caller reads: JSON for the API, FHIR OperationOutcome, else a page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=400)
    if request.path.startswith("/fhir/"):
        return fhir_error(message, status=400, code="invalid")
    return HttpResponse(render_to_string("ess/bad_request.html", {"message": message}), status=400)


class RejectMalformedInputMiddleware:
    """400 with a French message for control characters or broken encoding in the input."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            _check_urlencoded(_query_string_bytes(request), _CONTROL)
            _check_form(request)
        except _Refused as refused:
            return bad_request(request, refused.message)
        except (MultiPartParserError, RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent):
            return bad_request(
                request,
                _("Le formulaire envoyé est illisible ou trop volumineux : il a été refusé."),
            )
        return self.get_response(request)


class NoStoreForAuthenticatedMiddleware:
    """`Cache-Control: no-store` on every response to a signed-in user (session or API token).

    Placed after WhiteNoise, which answers public static files before reaching it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # DRF copies a token-authenticated user onto the Django request, so API calls count.
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if "no-store" not in response.get("Cache-Control", ""):
                response["Cache-Control"] = "no-store"
            response["Pragma"] = "no-cache"
        return response
