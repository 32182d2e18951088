from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjetSanteConfig(AppConfig):
    name = "projet_sante"
    verbose_name = _("Projet de santé")
