from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Télé-RCP")

    def ready(self):
        import meetings.permissions  # noqa: F401  (registers the workflow's actions)
        from meetings.views import pathway_page_meetings, referral_page_meetings
        from pathways.hooks import pathway_page_sections
        from referrals.hooks import referral_page_sections

        # The case pages show the meetings where the case is on the agenda, and the link that
        # puts it on one.
        referral_page_sections.connect(referral_page_meetings, dispatch_uid="meetings_referral")
        pathway_page_sections.connect(pathway_page_meetings, dispatch_uid="meetings_pathway")
