"""The audit trail's bulk export, for the `/audit/` page (interop/fhir/audit.py) and the
`export_audit_ndjson` command: a period of days, and its rows as FHIR NDJSON, one AuditEvent
per line (the resources of `audit_events.py`).
"""

from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from itertools import islice

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from ess.models import AuditEvent
from interop.fhir.audit_events import day_start, resources

EXPORT_CHUNK = 2000


def export_period(first: str | None, last: str | None, *, max_days: int | None = None):
    """[start, end) for the days `first` to `last` inclusive (YYYY-MM-DD, Europe/Paris). Raises
    ValidationError with a French message for a missing, unreadable or reversed period."""
    if not first or not last:
        raise ValidationError(_("Indiquez le premier et le dernier jour de la période."))
    try:
        first_day, last_day = date.fromisoformat(first), date.fromisoformat(last)
    except ValueError:
        raise ValidationError(
            _("Dates illisibles : attendu AAAA-MM-JJ (par exemple 2026-01-31).")
        ) from None
    if last_day < first_day:
        raise ValidationError(_("Le dernier jour de la période précède le premier."))
    if max_days is not None and (last_day - first_day).days + 1 > max_days:
        raise ValidationError(
            _(
                "Période de plus de %(days)s jours : utilisez la commande export_audit_ndjson "
                "pour les longues périodes."
            )
            % {"days": max_days}
        )
    return day_start(first_day), day_start(last_day + timedelta(days=1))


def _batches(rows: Iterable, size: int) -> Iterator[list]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def ndjson_lines(events: QuerySet[AuditEvent], *, user, source: dict) -> Iterator[bytes]:
    """Each row of `events` (oldest first) as one line of FHIR JSON, read in chunks through a
    server-side cursor: memory stays flat whatever the period."""
    rows = events.select_related("actor").order_by("at", "pk").iterator(chunk_size=EXPORT_CHUNK)
    for batch in _batches(rows, EXPORT_CHUNK):
        for resource in resources(batch, user=user, source=source):
            yield resource.model_dump_json(exclude_none=True).encode() + b"\n"
