from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PathwaysConfig(AppConfig):
    name = "pathways"
    verbose_name = _("Parcours de soins")

    def ready(self):
        import pathways.permissions  # noqa: F401  (registers the workflows' actions)
        from pathways.views import referral_page_pathways
        from referrals.hooks import referral_page_sections

        # Referrals' hook: the referral page shows its pathways (and the link to open one).
        referral_page_sections.connect(
            referral_page_pathways, dispatch_uid="pathways_referral_page"
        )
