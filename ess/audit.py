"""Recording reads of patient data. Views call `audit_record` once per object they reveal."""

from ess.client_ip import client_ip
from ess.models import AuditAction, AuditEvent


def audit_record(*, request, action: AuditAction, obj, label: str = "") -> AuditEvent:
    """Append one line to the audit trail: who (`request.user`), what, when, from where.

    `obj` is a model instance; only its type, public identifier and `label` (a reference, never a
    name) are written.
    """
    user = request.user if request.user.is_authenticated else None
    object_id = getattr(obj, "public_id", None) or obj.pk
    return AuditEvent.objects.create(
        actor=user,
        actor_email=user.email if user else "",
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(object_id),
        object_label=label[:100],
        ip_address=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:200],
        path=request.get_full_path()[:300],
    )


def audit_record_many(*, request, action: AuditAction, objects, label_attr: str = "") -> None:
    """One line per object for list pages that reveal several patients, in a single INSERT."""
    user = request.user if request.user.is_authenticated else None
    ip_address = client_ip(request)
    rows = [
        AuditEvent(
            actor=user,
            actor_email=user.email if user else "",
            action=action,
            object_type=obj._meta.label_lower,
            object_id=str(getattr(obj, "public_id", None) or obj.pk),
            object_label=str(getattr(obj, label_attr, ""))[:100] if label_attr else "",
            ip_address=ip_address,
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:200],
            path=request.get_full_path()[:300],
        )
        for obj in objects
    ]
    if rows:
        AuditEvent.objects.bulk_create(rows)
