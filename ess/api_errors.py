"""How the API answers an error, in one place: the refusals a service raises become HTTP statuses
(docs/architecture.md), throttling and missing objects are said in French.

- `ess.errors.Conflict` (a transition the status does not allow, a reused idempotency key) → 409
  with the service's French message;
- Django's `ValidationError` → 400, field by field (or under the view's `service_error_field`);
- Django's `PermissionDenied` → 403 with the view's `service_denied_message` when it has one;
- `Http404` → 404 in French; throttling → 429 in French with Retry-After;
- a body over `DATA_UPLOAD_MAX_MEMORY_SIZE` (Django's `RequestDataTooBig`) → 413 in French.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler

from ess import errors
from ess.api import Conflict, PayloadTooLarge
from ess.api_throttling import ApiThrottled


def _as_api_exception(exc, view):
    if isinstance(exc, errors.Conflict):
        return Conflict(str(exc))
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            return exceptions.ValidationError(exc.message_dict)
        return exceptions.ValidationError(
            {getattr(view, "service_error_field", "detail"): exc.messages}
        )
    if isinstance(exc, PermissionDenied):
        message = getattr(view, "service_denied_message", None)
        return exceptions.PermissionDenied(message)
    if isinstance(exc, Http404):
        # Django's sentence is English and names the model ("No Referral matches…").
        return exceptions.NotFound()
    if isinstance(exc, RequestDataTooBig):
        # Raised when the view first reads the body; Django's answer would be an HTML 400.
        return PayloadTooLarge(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    if isinstance(exc, exceptions.Throttled) and not isinstance(exc, ApiThrottled):
        return ApiThrottled(wait=exc.wait)
    return exc


def exception_handler(exc, context):
    """DRF's handler, after turning the core's and Django's refusals into API exceptions."""
    return drf_exception_handler(_as_api_exception(exc, context.get("view")), context)
