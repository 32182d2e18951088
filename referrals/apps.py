from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("Demandes d'avis")

    def ready(self):
        import referrals.permissions  # noqa: F401  (registers the workflow's actions)
        from referrals.booking.services import appointments_follow_session
        from scheduling.services import session_handed_over

        # Scheduling's hook: the cases booked into a session follow it to a new specialist.
        session_handed_over.connect(
            appointments_follow_session, dispatch_uid="referrals_follow_session"
        )
