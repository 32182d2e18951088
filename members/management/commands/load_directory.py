from django.core.management.base import BaseCommand, CommandError

from members.services.directory_import import DirectoryFileError, directory_import


class Command(BaseCommand):
    help = (
        "Charge ou met à jour l'annuaire national des professionnels de santé depuis l'extraction "
        "publique d'annuaire.sante.fr (PS_LibreAcces_Personne_activite, .txt, .csv ou .zip). "
        "Sans risque à relancer."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="Fichier .txt/.csv (séparateur |) ou .zip le contenant.")
        parser.add_argument(
            "--departements",
            default="",
            help="Ne garder que ces départements, séparés par des virgules (ex. 45,41).",
        )

    def handle(self, *args, path, departements, **options):
        try:
            result = directory_import(path=path, departements=departements.split(","))
        except DirectoryFileError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(result.summary()))
