from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Formations, campagnes et événements")

    def ready(self):
        import events.permissions  # noqa: F401  (registers the trainings' workflow actions)
