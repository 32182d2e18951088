from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partenaires et conventions")

    def ready(self):
        import partners.permissions  # noqa: F401  (registers the workflow's actions)
