from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from ess.celery import app as celery_app


class EssConfig(AppConfig):
    name = "ess"
    verbose_name = _("Socle ESS")

    def ready(self):
        from ess import (
            checks,  # noqa: F401 (registers the deploy checks)
            context_processors,  # noqa: F401 -- connects the masthead cache's receiver
            mfa,  # noqa: F401 -- connects the second-factor signal receivers
        )

        # Every app's tasks, as the worker knows them: services queue them by their published
        # name (ess.outbox.enqueue_on_commit), without importing the modules that call them back.
        celery_app.autodiscover_tasks(force=True)
