"""How requests reach the ESS: their channels, the professionals who send them without an
account, the files kept across a failed submission and the keys that make a resent request
harmless. Kept beside `models.py` (which re-exports them) to keep each module short."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ess.fields import PublicIdModel, optional_fk
from ess.stored_files import StoredFile


class Channel(models.TextChoices):
    """How a request reached the ESS."""

    WEB = "web", _("Formulaire web")
    API = "api", _("API")
    WEB_NO_ACCOUNT = "web_no_account", _("Formulaire web sans compte")
    PHONE = "phone", _("Téléphone")
    FAX = "fax", _("Télécopie")
    MAIL = "mail", _("Courrier")
    # Sent by a registered regional platform through the FHIR interface (interop).
    PLATFORM = "platform", _("Plateforme de télé-expertise")


# How the referral's page says where a request came from, the web form aside: a whole phrase
# per channel, since the labels above are list entries ("API", "Téléphone") that no filter can
# turn into a sentence.
RECEIVED_BY = {
    Channel.API: _("reçue par l'API"),
    Channel.WEB_NO_ACCOUNT: _("reçue par le formulaire web sans compte"),
    Channel.PHONE: _("reçue par téléphone"),
    Channel.FAX: _("reçue par télécopie"),
    Channel.MAIL: _("reçue par courrier"),
    Channel.PLATFORM: _("reçue d'une plateforme de télé-expertise"),
}

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


def pending_attachment_path(instance, filename: str) -> str:
    return f"referrals/pending/{instance.public_id}"


class PendingAttachment(StoredFile):
    """A checked file sent with a new-referral form that was refused for another reason: kept for
    the same user (or sender without an account) in the same browser session, offered again with
    the corrected form, attached when it is sent, deleted when it expires."""

    # None for a professional without an account (the public form): the session alone.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
    )
    session_key = models.CharField(max_length=64)
    file = models.FileField(upload_to=pending_attachment_path, max_length=200)
    expires_at = models.DateTimeField(db_index=True)


class IdempotencyKey(models.Model):
    """A client's retry with the same key returns the first result (API header or web form)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    fingerprint = models.CharField(max_length=64)
    referral = models.ForeignKey("referrals.Referral", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_unique"),
        ]

    def __str__(self) -> str:
        return self.key


class ReferenceCounter(models.Model):
    """Human references ESS-<year>-<n>: the counter only goes up, so a number is never reused."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"
