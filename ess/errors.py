"""Errors a service raises when it refuses an action, whatever the way in (page, API, task).

Services raise these; the web layer maps them to an answer in one place (a message on a page,
an HTTP status on the API): a refused action never changes anything.
"""


class ServiceError(Exception):
    """A service refused an action; the message is French and safe to show the user."""


class Conflict(ServiceError):
    """The action does not fit the object's current state (HTTP 409 on the API)."""


class TransitionNotAllowed(Conflict):
    """The status workflow has no such transition from the object's current status."""


class IdempotencyConflict(Conflict):
    """The same idempotency key was already used for a different request."""
