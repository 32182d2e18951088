from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ess.demo import DEMO_ACCOUNTS, demo_email, seed_demo
from ess.roles import Role


class Command(BaseCommand):
    help = "Crée (ou complète) les données de démonstration. Idempotent. Exige ESS_DEMO=1."

    def handle(self, *args, **options):
        if not settings.ESS_DEMO:
            raise CommandError(
                "Refusé : les comptes de démonstration ne sont créés que si ESS_DEMO est activé "
                "(ESS_DEMO=1)."
            )
        seed_demo()
        self.stdout.write(self.style.SUCCESS("Données de démonstration prêtes."))
        self.stdout.write(f"Comptes (mot de passe : {settings.ESS_DEMO_PASSWORD}) :")
        for local, account in DEMO_ACCOUNTS.items():
            labels = ", ".join(str(Role(role).label) for role in account.roles)
            self.stdout.write(f"  {demo_email(local):34} {' '.join(account.name)} — {labels}")
