from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from ess.api_auth import token_issue
from ess.auth import demo_accounts_allowed


class Command(BaseCommand):
    help = "Crée un jeton d'API pour l'utilisateur EMAIL et l'affiche (une seule fois)."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        user = get_user_model().objects.filter(email=email.strip().lower()).first()
        if user is None:
            raise CommandError(f"Aucun compte pour l'adresse {email}.")
        if not user.is_active:
            raise CommandError(f"Le compte {email} est désactivé.")
        if user.is_demo and not demo_accounts_allowed():
            raise CommandError("Les comptes de démonstration sont désactivés (ESS_DEMO).")
        self.stdout.write(token_issue(user=user))
