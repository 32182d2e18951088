from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InteropConfig(AppConfig):
    name = "interop"
    verbose_name = _("Interopérabilité")

    def ready(self):
        from interop.mssante.services import on_referral_answered
        from interop.mssante.views import referral_page_secure_messages
        from referrals.hooks import referral_answered, referral_page_sections

        # Referrals' hooks: an answer is also sent by secure messaging (MSSanté), and the
        # referral's page says when it was.
        referral_answered.connect(on_referral_answered, dispatch_uid="interop_mssante_answer")
        referral_page_sections.connect(
            referral_page_secure_messages, dispatch_uid="interop_mssante_referral_page"
        )
