"""A refused action's form, shown again as it was sent.

An action posted from a page (`ess.web.actions.post_action`) returns to that page whatever
happens. When it is refused, what the form held and why are kept in the session; the page it
returns to, and only that page on the very next request, shows the form again with what was
typed and each error beside its field (`{% refilled %}` in _action_form.html)."""

import copy
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict, ErrorList
from django.shortcuts import resolve_url
from django.utils.datastructures import MultiValueDict

SESSION_KEY = "ess.refused_form"


def keep_refused(request, form, exc: Exception | None, *, back: str) -> None:
    """Keep the refused `form` (invalid, or refused by the service with `exc`) for `back`."""
    if form is None or not hasattr(request, "session"):
        return
    if exc is None:
        errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
    elif isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        errors = {name: ValidationError(errs).messages for name, errs in exc.error_dict.items()}
    else:
        errors = {}
    request.session[SESSION_KEY] = {
        "action": request.path,
        "form": _kind(form),
        "back": urlsplit(resolve_url(back)).path,
        "data": {k: request.POST.getlist(k) for k in request.POST if k != "csrfmiddlewaretoken"},
        "errors": {name: msgs for name, msgs in errors.items() if name in form.fields},
    }


def take_refused(request) -> dict | None:
    """The form refused on the previous request, when this request shows the page it returned
    to; any other page drops it (it is shown once, right after the refusal). Every template
    this request renders gets the same answer."""
    if not hasattr(request, "_ess_refused_form"):
        request._ess_refused_form = _take(request)
    return request._ess_refused_form


def _take(request) -> dict | None:
    session = getattr(request, "session", None)
    if session is None or SESSION_KEY not in session or request.method != "GET":
        return None
    kept = session.pop(SESSION_KEY)
    return kept if kept.get("back") == request.path else None


def _kind(form) -> str:
    return f"{type(form).__module__}.{type(form).__qualname__}"


def refilled(form, kept: dict | None, action: str = ""):
    """`form` bound to what was sent and with its errors, when `kept` (from take_refused) is
    the refusal of `action`, or without `action`, of a form of the same class; otherwise
    `form` unchanged (a form already bound, shown again by its own view, stays as it is)."""
    if form is None or form.is_bound or not kept:
        return form
    if (kept.get("action") != action) if action else (kept.get("form") != _kind(form)):
        return form
    again = copy.copy(form)
    again.fields = copy.deepcopy(form.fields)
    again._bound_fields_cache = {}
    again.is_bound = True
    again.data = MultiValueDict(kept["data"])
    for name, field in form.fields.items():
        if field.widget.is_hidden:  # what the page says now (a version, a key), not then
            value = form[name].value()
            again.data.setlist(form[name].html_name, [] if value is None else [value])
    again.files = MultiValueDict()
    again._errors = ErrorDict(
        {name: ErrorList(messages) for name, messages in kept["errors"].items()}
    )
    return again
