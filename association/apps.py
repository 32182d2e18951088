from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssociationConfig(AppConfig):
    name = "association"
    verbose_name = _("Vie associative")

    def ready(self):
        import association.permissions  # noqa: F401  (registers the workflow's actions)
