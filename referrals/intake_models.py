"""How requests reach the ESS: their channels, and the professionals who send them without an
account. Kept beside `models.py` (which re-exports them) to keep each module short."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ess.fields import PublicIdModel, optional_fk


class Channel(models.TextChoices):
    """How a request reached the ESS."""

    WEB = "web", _("Formulaire web")
    API = "api", _("API")
    WEB_NO_ACCOUNT = "web_no_account", _("Formulaire web sans compte")
    PHONE = "phone", _("Téléphone")
    FAX = "fax", _("Télécopie")
    MAIL = "mail", _("Courrier")


# What a coordinator may record on behalf of a caller.
RECORDED_CHANNELS = (Channel.PHONE, Channel.FAX, Channel.MAIL)


class RequesterContact(PublicIdModel):
    """A professional who sent a request without an account (public form) or whose request a
    coordinator recorded by phone, fax or mail: identified by the national directory (RPPS) and
    an email address.

    The referrals point to `stand_in`, a user row that cannot sign in (inactive, no password,
    an undeliverable address of its own: the real one is here, so that the professional's own
    account can use it later). When that professional gets an account with the same RPPS and
    this address verified, their confirmed requests move to it (`claims.attach_unclaimed_requests`).
    """

    stand_in = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="requester_contact"
    )
    rpps = models.CharField(_("RPPS"), max_length=11)
    email = models.EmailField(_("adresse électronique"))
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    # Set when a confirmation link sent to `email` was followed.
    email_verified_at = models.DateTimeField(null=True, blank=True)
    created_by = optional_fk(settings.AUTH_USER_MODEL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    claimed_by = optional_fk(settings.AUTH_USER_MODEL, related_name="claimed_contacts")
    claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("demandeur sans compte")
        verbose_name_plural = _("demandeurs sans compte")
        constraints = [
            # One record per professional and address while unclaimed.
            models.UniqueConstraint(
                fields=["rpps", "email"],
                condition=Q(claimed_at=None),
                name="requester_contact_unclaimed_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rpps} <{self.email}>"
