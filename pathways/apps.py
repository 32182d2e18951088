from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PathwaysConfig(AppConfig):
    name = "pathways"
    verbose_name = _("Parcours de soins")

    def ready(self):
        import pathways.permissions  # noqa: F401  (registers the workflows' actions)
