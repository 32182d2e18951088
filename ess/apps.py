from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EssConfig(AppConfig):
    name = "ess"
    verbose_name = _("Socle ESS")

    def ready(self):
        from ess import (
            checks,  # noqa: F401 (registers the deploy checks)
            mfa,  # noqa: F401 -- connects the second-factor signal receivers
        )
