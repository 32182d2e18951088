"""Reads of the core: who sees which audit lines, commune lookup."""

from django.db.models import Q, QuerySet

from ess.models import AuditEvent, Commune, PostalCode
from ess.permissions import can_view_audit
from ess.text import fold


def audit_events_visible_to(user) -> QuerySet[AuditEvent]:
    """The only definition of who sees the audit trail: managers see all of it."""
    if can_view_audit(user):
        return AuditEvent.objects.all()
    return AuditEvent.objects.none()


def communes_search(query: str, *, limit: int = 15) -> list[Commune]:
    """Communes whose name starts with `query`, or whose postcode/INSEE code starts with it.

    Both lookups are index prefix scans (varchar_pattern_ops on PostgreSQL); the largest
    communes come first so 'Orl' gives Orléans before Orliac.
    """
    query = (query or "").strip()
    if len(query) < 2:
        return []
    base = Commune.objects.select_related("departement").order_by("-population", "name")
    if query[:2].isdigit() or query[:2].upper() in {"2A", "2B"}:
        code = query.replace(" ", "").upper()
        by_postcode = PostalCode.objects.filter(code__startswith=code).values("commune_id")
        return list(base.filter(Q(code=code) | Q(code__in=by_postcode))[:limit])
    return list(base.filter(search_name__startswith=fold(query))[:limit])


def commune_from_label(value: str) -> Commune | None:
    """Parse back what a commune picker submitted: an INSEE code, alone or leading a label."""
    code = (value or "").strip().split(" ", 1)[0].upper()
    if len(code) != 5:
        return None
    return Commune.objects.select_related("departement").filter(code=code).first()
