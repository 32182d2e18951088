from django.core.management.base import BaseCommand

from ess.territory import territory_load


class Command(BaseCommand):
    help = "Charge ou met à jour régions, départements et communes (codes officiels COG)."

    def handle(self, *args, **options):
        counts = territory_load()
        self.stdout.write(
            self.style.SUCCESS(
                "{regions} régions, {departements} départements, {communes} communes.".format(
                    **counts
                )
            )
        )
