from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("Demandes d'avis")

    def ready(self):
        import referrals.permissions  # noqa: F401  (registers the workflow's actions)
        from partners.hooks import partner_page_sections
        from referrals.booking.services import appointments_follow_session
        from referrals.views_partners import partner_page_referrals
        from scheduling.services import session_handed_over

        # Scheduling's hook: the cases booked into a session follow it to a new specialist.
        session_handed_over.connect(
            appointments_follow_session, dispatch_uid="referrals_follow_session"
        )
        # Partners' hook: a partner's page shows the referrals sent from its organisations.
        partner_page_sections.connect(partner_page_referrals, dispatch_uid="referrals_partner_page")
