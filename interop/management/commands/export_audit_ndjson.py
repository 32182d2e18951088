"""`python manage.py export_audit_ndjson --from 2026-01-01 --to 2026-12-31 --output trail.ndjson`:
the audit trail of a period (days in Europe/Paris, inclusive) as FHIR NDJSON, one AuditEvent per
line, for the DPO; any length of period (the `/audit/` page's export stops at a year). The file
appears whole or not at all, and the export is itself written to the trail."""

import os
import tempfile
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from ess.models import AuditAction, AuditEvent
from interop.fhir.audit import TRAIL_ID
from interop.fhir.audit_events import observer
from interop.fhir.audit_export import export_period, ndjson_lines


class Command(BaseCommand):
    help = (
        "Exporte le journal d'audit d'une période en NDJSON FHIR "
        "(une ressource AuditEvent par ligne)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="first", required=True, help="premier jour, AAAA-MM-JJ")
        parser.add_argument("--to", dest="last", required=True, help="dernier jour, AAAA-MM-JJ")
        parser.add_argument("--output", required=True, help="fichier à écrire (nouveau)")

    def handle(self, *args, first, last, output, **options):
        try:
            start, end = export_period(first, last)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        target = Path(output)
        if target.exists():
            raise CommandError(f"{target} existe déjà : choisissez un autre fichier.")
        if not target.parent.is_dir():
            raise CommandError(f"Le dossier {target.parent} n'existe pas.")
        AuditEvent.objects.create(
            action=AuditAction.EXPORT,
            object_type=AuditEvent._meta.label_lower,
            object_id=TRAIL_ID,
            object_label=f"export NDJSON du {first} au {last}",
            path="manage.py export_audit_ndjson",
            via="commande",
        )
        events = AuditEvent.objects.filter(at__gte=start, at__lt=end)
        count = 0
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".audit-", suffix=".part")
        try:
            with os.fdopen(handle, "wb") as stream:
                for line in ndjson_lines(events, user=None, source=observer()):
                    stream.write(line)
                    count += 1
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        self.stderr.write(f"{count} événement(s) exporté(s) dans {target}.")
