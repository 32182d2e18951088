"""Reads of the core: who sees which audit lines, commune and specialty lookup."""

import re

from django.db import connection
from django.db.models import Q, QuerySet

from ess.models import AuditEvent, Commune, PostalCode, Specialty
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
    folded = fold(query)
    # Names are stored with "st"/"ste" (see fold): "Sain", "Saint", "Sainte" typed on their own,
    # before the space that fold shortens, look for the saints too.
    prefixes = Q(search_name__startswith=folded)
    for word, short in (("sainte", "ste"), ("saint", "st")):
        if len(folded) >= 4 and word.startswith(folded):
            prefixes |= Q(search_name__startswith=short)
            break
    return list(base.filter(prefixes)[:limit])


def commune_from_label(value: str) -> Commune | None:
    """Parse back what a commune picker submitted: an INSEE code, alone or leading a label."""
    code = (value or "").strip().split(" ", 1)[0].upper()
    if len(code) != 5:
        return None
    return Commune.objects.select_related("departement").filter(code=code).first()


_NAME_WITH_DEPARTEMENT = re.compile(r"^(?P<name>.+?)\s*\((?P<dep>\d[\dAB]\d?)\)$", re.IGNORECASE)
_NAME_WITH_POSTCODE = re.compile(r"^(?P<name>.+?)\s*\(?(?P<cp>\d{5})\)?$")
_POSTCODE = re.compile(r"^\d{5}$")


def communes_matching(value: str) -> list[Commune]:
    """Every commune what a person typed into a commune field may mean, largest first.

    Understood: the picker's label ("45234 — Orléans (45000)"), an INSEE code, a postcode, a
    name whatever its accents and hyphens ("orleans", "St Jean de Braye"), a name followed by
    its postcode or its département ("Saint-Denis 93200", "Saint-Denis (974)"). One commune:
    the answer; several: the caller asks which; none: unknown.
    """
    value = " ".join((value or "").split())
    if not value:
        return []
    base = Commune.objects.select_related("departement").order_by("-population", "name")
    if _POSTCODE.match(value):
        by_postcode = PostalCode.objects.filter(code=value).values("commune_id")
        return list(base.filter(code__in=by_postcode)) or list(base.filter(code=value))
    labelled = commune_from_label(value)
    if labelled is not None:
        return [labelled]
    name, narrowed = value, base
    if match := _NAME_WITH_DEPARTEMENT.match(value):
        name = match["name"]
        narrowed = base.filter(departement_id=match["dep"].upper())
    elif match := _NAME_WITH_POSTCODE.match(value):
        name = match["name"]
        narrowed = base.filter(
            code__in=PostalCode.objects.filter(code=match["cp"]).values("commune_id")
        )
    return list(narrowed.filter(search_name=fold(name).strip(" ,")))


def commune_and_specialty(
    commune_code: str, specialty_code: str
) -> tuple[Commune | None, Specialty | None]:
    """The commune and the specialty these codes name (None where unknown), in one query: what
    a submission names beside the patient's identity."""
    quote = connection.ops.quote_name
    models = ((Commune, "c"), (Specialty, "s"))
    columns = [
        f"{alias}.{quote(field.column)}"
        for model, alias in models
        for field in model._meta.concrete_fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(columns)} FROM (SELECT 1 AS one) AS one "  # noqa: S608 -- model columns
            f"LEFT JOIN {quote(Commune._meta.db_table)} c ON c.{quote('code')} = %s "
            f"LEFT JOIN {quote(Specialty._meta.db_table)} s ON s.{quote('code')} = %s",
            [commune_code, specialty_code],
        )
        values = cursor.fetchone()
    found = []
    for model, _alias in models:
        fields = model._meta.concrete_fields
        mine, values = values[: len(fields)], values[len(fields) :]
        pk_at = fields.index(model._meta.pk)
        found.append(
            None
            if mine[pk_at] is None
            else model.from_db(connection.alias, [f.attname for f in fields], mine)
        )
    return found[0], found[1]
