from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ess.api_auth import TOKEN_MAX_DAYS, token_issue
from ess.models import TokenScope


class Command(BaseCommand):
    help = (
        "Crée un jeton d'API pour l'utilisateur EMAIL et l'affiche (une seule fois). Refusé "
        "pour un rôle qui exige la double authentification tant qu'elle n'est pas activée."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument(
            "--name",
            default="Jeton émis en ligne de commande",
            help="nom du jeton, affiché sur la page « Jetons d'API » de son titulaire",
        )
        parser.add_argument(
            "--scope",
            choices=TokenScope.values,
            # The documented use of the command is submitting referrals: it needs writes.
            default=TokenScope.READ_WRITE,
            help="read : lecture seule ; read_write : lecture et écriture (par défaut)",
        )
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"durée de validité en jours, de 1 à {TOKEN_MAX_DAYS} "
            f"(par défaut ESS_API_TOKEN_DAYS = {settings.ESS_API_TOKEN_DAYS})",
        )

    def handle(self, *args, email, name, scope, days, **options):
        user = get_user_model().objects.filter(email=email.strip().lower()).first()
        if user is None:
            raise CommandError(f"Aucun compte pour l'adresse {email}.")
        try:
            token, key = token_issue(user=user, name=name, scope=scope, days=days)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(key)
        expires = timezone.localtime(token.expires_at)
        self.stderr.write(
            f"Jeton « {token.name} » ({token.get_scope_display().lower()}) pour {user.email}, "
            f"valable jusqu'au {expires:%d/%m/%Y %H:%M}."
        )
