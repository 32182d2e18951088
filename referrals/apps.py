from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("Demandes d'avis")

    def ready(self):
        from allauth.account.signals import email_confirmed, user_signed_up

        import referrals.permissions  # noqa: F401  (registers the workflow's actions)
        from members.hooks import account_opened
        from partners.hooks import partner_page_sections
        from referrals.booking.services import appointments_follow_session
        from referrals.services.claims import attach_on_account_event
        from referrals.views_partners import partner_page_referrals
        from scheduling.services import session_handed_over

        # Scheduling's hook: the cases booked into a session follow it to a new specialist.
        session_handed_over.connect(
            appointments_follow_session, dispatch_uid="referrals_follow_session"
        )
        # Partners' hook: a partner's page shows the referrals sent from its organisations.
        partner_page_sections.connect(partner_page_referrals, dispatch_uid="referrals_partner_page")
        # A professional who gets an account (signup, PSC, invitation, address verified) finds
        # the requests they sent without one.
        for signal, uid in (
            (user_signed_up, "referrals_claim_on_signup"),
            (email_confirmed, "referrals_claim_on_email"),
            (account_opened, "referrals_claim_on_account"),
        ):
            signal.connect(attach_on_account_event, dispatch_uid=uid)
        # The queue's filter bar lists specialties, départements and specialists: its cached
        # choices are dropped when one of them changes.
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from ess.models import Departement, Specialty, Team
        from members.models import RoleGrant, User
        from referrals.dashboard import forget_queue_filter_options

        for model in (Specialty, Departement, Team, User, RoleGrant):
            for event, signal in (("save", post_save), ("delete", post_delete)):
                signal.connect(
                    forget_queue_filter_options,
                    sender=model,
                    dispatch_uid=f"referrals_filter_options_{model.__name__}_{event}",
                )
        account_opened.connect(forget_queue_filter_options, dispatch_uid="referrals_filter_opened")
        for through in (Team.specialties.through, Team.departements.through):
            m2m_changed.connect(
                forget_queue_filter_options,
                sender=through,
                dispatch_uid=f"referrals_filter_options_{through.__name__}",
            )
