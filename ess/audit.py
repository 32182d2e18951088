"""Recording reads of patient data. Views call `audit_record` once per object they reveal, and
wrap the lookup of an object in `audit_refusal` so that a refused attempt is recorded too."""

import functools
from contextlib import contextmanager
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.utils import timezone
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import PermissionDenied as DRFPermissionDenied

from ess.client_ip import client_ip
from ess.models import ApiToken, AuditAction, AuditEvent, AuditOutcome

# Query parameters kept in the audit row's path: codes, page numbers and opaque ids only. Any
# other parameter (a search term may hold a patient's name) is left out.
AUDIT_QUERY_PARAMETERS = frozenset(
    {
        "commune",
        "departement",
        "format",
        "page",
        "period",
        "priorite",
        "recherche",
        "specialiste",
        "specialite",
        "specialty",
        "status",
        "statut",
        "type",
        "vue",
    }
)


def _via(request) -> str:
    # DRF's request.auth is the ApiToken, or the registered platform (interop.models.Platform),
    # the caller came with; pages have no `auth`. Both name themselves by `audit_via`.
    token = getattr(request, "auth", None)
    if isinstance(token, ApiToken):
        return token.audit_via
    return getattr(token, "audit_via", "") if token is not None else ""


def _audited_path(request) -> str:
    """The path, with only the query parameters known to be free of nominative data."""
    kept = [(k, v) for k, v in request.GET.items() if k in AUDIT_QUERY_PARAMETERS]
    path = request.path + (f"?{urlencode(kept)}" if kept else "")
    return path[:300]


def _mark(request) -> None:
    """Note on the request that it wrote to the trail (interop's FHIR views record a line for a
    platform's call that named no object)."""
    request.audit_recorded = True


def audit_record(
    *,
    request,
    action: AuditAction,
    obj,
    label: str = "",
    actor=None,
    path: str = "",
    outcome: AuditOutcome = AuditOutcome.ALLOWED,
) -> AuditEvent:
    """Append one line to the audit trail: who (`request.user`), what, when, from where.

    `obj` is a model instance; only its type, public identifier and `label` (a reference, never a
    name) are written. A page opened with a link rather than a sign-in names who the link was
    given to (`actor`) and the path without its secret (`path`).
    """
    user = actor or (request.user if request.user.is_authenticated else None)
    object_id = getattr(obj, "public_id", None) or obj.pk
    _mark(request)
    return AuditEvent.objects.create(
        actor=user,
        actor_email=user.email if user else "",
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(object_id),
        object_label=label[:100],
        ip_address=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:200],
        path=(path or _audited_path(request))[:300],
        via=_via(request),
        outcome=outcome,
    )


def audit_record_sent(*, obj, label: str, to: str, via: str) -> AuditEvent:
    """Append the line of patient data the platform sent out by itself (a task, no request):
    `obj` (its type, public identifier and `label`) went to the address `to` through the
    channel `via` (e.g. "mssante"), written in the path."""
    return AuditEvent.objects.create(
        action=AuditAction.EXPORT,
        object_type=obj._meta.label_lower,
        object_id=str(getattr(obj, "public_id", None) or obj.pk),
        object_label=label[:100],
        path=f"{via}:{to}"[:300],
        via=via[:20],
    )


def audit_record_many(*, request, action: AuditAction, objects, label_attr: str = "") -> None:
    """One line per object for list pages that reveal several patients, in a single INSERT."""
    user = request.user if request.user.is_authenticated else None
    # What every line shares, worked out once.
    shared = {
        "actor": user,
        "actor_email": user.email if user else "",
        "action": action,
        "ip_address": client_ip(request),
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:200],
        "path": _audited_path(request),
        "via": _via(request),
    }
    objects = [
        (
            obj._meta.label_lower,
            str(getattr(obj, "public_id", None) or obj.pk),
            str(getattr(obj, label_attr, ""))[:100] if label_attr else "",
        )
        for obj in objects
    ]
    if not objects:
        return
    _mark(request)
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        AuditEvent.objects.bulk_create(
            AuditEvent(object_type=kind, object_id=pk, object_label=label, **shared)
            for kind, pk, label in objects
        )
        return
    # A list page's read lines, on their own: one statement, committed without waiting for the
    # disk flush (`synchronous_commit = off` for its own transaction only). A server crash could
    # lose the last fraction of a second of such lines, never corrupt the trail; every write of
    # patient data, and the lines recorded with it, keep the server's durable commit.
    shared |= {"at": timezone.now(), "actor": user.pk if user else None}
    shared["outcome"] = AuditOutcome.ALLOWED
    with connection.cursor() as cursor:
        cursor.execute(
            _insert_reads_sql(),
            [shared[name] for name in _READ_LINE_SHARED]
            + [list(column) for column in zip(*objects, strict=True)],
        )


# The columns of `_insert_reads_sql`: one value for every line, then one array each.
_READ_LINE_SHARED = (
    *("at", "actor", "actor_email", "action", "ip_address", "user_agent", "path", "via"),
    "outcome",
)
_READ_LINE_OBJECT = ("object_type", "object_id", "object_label")


@functools.cache
def _insert_reads_sql() -> str:
    """INSERT of read lines sharing everything but their object, which come as three arrays.
    Every value is cast to its column's type, read from the model."""
    meta = AuditEvent._meta
    column = {f.name: f for f in meta.concrete_fields}
    shared, per_object = _READ_LINE_SHARED, _READ_LINE_OBJECT

    def db_type(name):
        return column[name].db_type(connection)

    quote = connection.ops.quote_name
    names = ", ".join(quote(column[n].column) for n in (*shared, *per_object))
    values = ", ".join(f"%s::{db_type(n)}" for n in shared)
    arrays = ", ".join(f"%s::{db_type(n)}[]" for n in per_object)
    # Names and types from the model, never from input; every value is a parameter.
    return (
        f"INSERT INTO {quote(meta.db_table)} ({names}) "  # noqa: S608
        f"SELECT {values}, o.* FROM unnest({arrays}) AS o "
        "WHERE set_config('synchronous_commit', 'off', true) = 'off'"
    )


def _refused(*, request, action: AuditAction, object_type: str, object_id) -> None:
    user = request.user if request.user.is_authenticated else None
    _mark(request)
    AuditEvent.objects.create(
        actor=user,
        actor_email=user.email if user else "",
        action=action,
        object_type=object_type,
        object_id=str(object_id)[:64],
        ip_address=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:200],
        path=_audited_path(request),
        via=_via(request),
        outcome=AuditOutcome.REFUSED,
    )


@contextmanager
def audit_refusal(*, request, object_type: str, object_id, action: AuditAction | None = None):
    """Record a refused access to a patient-data object: the lookup inside the block raised 404
    (not visible to the caller, or absent: the caller cannot tell, the trail does not either)
    or 403. The identifier asked for is written, nothing about the object itself.

    `action` defaults to a read for GET/HEAD and a change for any other method."""
    try:
        yield
    except (Http404, NotFound, PermissionDenied, DRFPermissionDenied):
        if action is None:
            action = (
                AuditAction.VIEW
                if request.method in ("GET", "HEAD", "OPTIONS")
                else AuditAction.UPDATE
            )
        _refused(request=request, action=action, object_type=object_type, object_id=object_id)
        raise
