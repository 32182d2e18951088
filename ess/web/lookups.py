"""Finding the object a page or an action is about."""

from collections.abc import Callable

from ess.audit import audit_refusal


def object_for_request(request, model, lookup: Callable, public_id):
    """`lookup(request.user, public_id)`: the selector that answers 404 for what the caller may
    not see (or 403). A refusal is written to the audit trail under `model` and the identifier
    asked for, nothing about the object itself."""
    with audit_refusal(request=request, object_type=model._meta.label_lower, object_id=public_id):
        return lookup(request.user, public_id)
