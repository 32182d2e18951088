from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchedulingConfig(AppConfig):
    name = "scheduling"
    verbose_name = _("Plannings")

    def ready(self):
        import scheduling.permissions  # noqa: F401  (registers the on-call swaps' actions)
