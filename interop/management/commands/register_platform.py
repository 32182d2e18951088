"""`python manage.py register_platform NAME --scope teleexpertise [--scope slots]
[--certificate-fingerprint SHA256] [--contact EMAIL]`: registers a platform that calls /fhir/
and prints its token (shown once)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from interop.models import PlatformScope
from interop.platforms import register_platform


class Command(BaseCommand):
    help = "Raccorde une plateforme à l'interface FHIR et affiche son jeton (une seule fois)."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument(
            "--scope", action="append", choices=PlatformScope.values, dest="scopes", default=[]
        )
        parser.add_argument("--certificate-fingerprint", default="")
        parser.add_argument("--contact", default="")

    def handle(self, *args, name, scopes, certificate_fingerprint, contact, **options):
        try:
            platform, token = register_platform(
                name=name,
                scopes=scopes,
                certificate_fingerprint=certificate_fingerprint,
                contact_email=contact,
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(token)
        self.stderr.write(
            f"Plateforme « {platform.name} » raccordée ({', '.join(platform.scopes)})."
        )
