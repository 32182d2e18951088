"""Recording reads of patient data. Views call `audit_record` once per object they reveal."""

from ess.models import ApiToken, AuditAction, AuditEvent


def _client_ip(request) -> str | None:
    # Behind the reverse proxy the first X-Forwarded-For entry is the client.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    ip = forwarded.split(",")[0].strip() if forwarded else request.META.get("REMOTE_ADDR")
    return ip or None


def _via(request) -> str:
    # DRF's request.auth is the ApiToken when the caller came with one; pages have no `auth`.
    token = getattr(request, "auth", None)
    return token.audit_via if isinstance(token, ApiToken) else ""


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
        ip_address=_client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:200],
        path=request.get_full_path()[:300],
        via=_via(request),
    )


def audit_record_many(*, request, action: AuditAction, objects, label_attr: str = "") -> None:
    """One line per object for list pages that reveal several patients, in a single INSERT."""
    user = request.user if request.user.is_authenticated else None
    via = _via(request)
    rows = [
        AuditEvent(
            actor=user,
            actor_email=user.email if user else "",
            action=action,
            object_type=obj._meta.label_lower,
            object_id=str(getattr(obj, "public_id", None) or obj.pk),
            object_label=str(getattr(obj, label_attr, ""))[:100] if label_attr else "",
            ip_address=_client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:200],
            path=request.get_full_path()[:300],
            via=via,
        )
        for obj in objects
    ]
    if rows:
        AuditEvent.objects.bulk_create(rows)
