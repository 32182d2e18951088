"""Errors told to the user as messages on the next page (forms posted from a page that then
redirects back to itself)."""

from django.contrib import messages
from django.core.exceptions import ValidationError

from ess.text import labelled


def flash_form_errors(request, form) -> None:
    """Each error of an invalid form, prefixed with its field's label."""
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, labelled(label, error) if label else error)


def flash_error(request, exc: Exception) -> None:
    """A service's refusal: every message of a ValidationError, or the exception's French text
    (TransitionNotAllowed and the like)."""
    if isinstance(exc, ValidationError):
        for error in exc.messages:
            messages.error(request, error)
    else:
        messages.error(request, str(exc))
