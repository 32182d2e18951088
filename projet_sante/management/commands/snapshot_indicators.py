"""Freeze the figures of ended quarters (`IndicatorSnapshot`), as beat does when a quarter
ends: `manage.py snapshot_indicators` (the last ended quarter), `--period 2026-Q2` (repeatable),
`--since 2024-Q1` (every ended quarter from that one on, to fill the history). Idempotent: a
quarter already frozen is left as it is."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from projet_sante.indicators.models import IndicatorSnapshot
from projet_sante.indicators.periods import PeriodError, parse_period, previous_quarter
from projet_sante.indicators.services import indicator_snapshot_take


class Command(BaseCommand):
    help = "Fige les indicateurs des trimestres terminés (instantanés lus par les rapports)."

    def add_arguments(self, parser):
        parser.add_argument("--period", action="append", default=[], help="ex. 2026-Q2")
        parser.add_argument("--since", help="chaque trimestre terminé depuis, ex. 2024-Q1")

    def handle(self, *args, **options):
        try:
            periods = [parse_period(key) for key in options["period"]]
            if options["since"]:
                first = parse_period(options["since"])
                last = previous_quarter()
                count = (last.first.year - first.first.year) * 4 + (
                    last.year_quarter[1] - first.year_quarter[1]
                )
                periods += last.previous_quarters(count + 1) if count >= 0 else []
        except PeriodError as exc:
            raise CommandError(str(exc)) from exc
        for period in periods or [previous_quarter()]:
            existed = IndicatorSnapshot.objects.filter(period_key=period.key, filters_key="")
            was_there = existed.exists()
            try:
                snapshot = indicator_snapshot_take(period=period)
            except ValidationError as exc:
                raise CommandError(f"{period.key}: {' '.join(exc.messages)}") from exc
            state = "déjà figé" if was_there else "figé"
            received = snapshot.values["requests_received"]["value"]
            self.stdout.write(f"{period.key} : {state} ({received} demandes reçues)")
