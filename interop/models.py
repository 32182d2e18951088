"""Outside systems the ESS exchanges with: the regional platforms and national services (a
télé-expertise platform, the SAS) registered to call the FHIR interface (`/fhir/`)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ess.fields import PublicIdModel
from ess.model_bases import HashedSecret


class PlatformScope(models.TextChoices):
    """What a registered platform may do through `/fhir/`."""

    TELEEXPERTISE = (
        "teleexpertise",
        _("Télé-expertise : envoyer des demandes et suivre leur statut"),
    )
    SLOTS = "slots", _("Disponibilités : lire les créneaux ouverts au SAS")


class Platform(HashedSecret, PublicIdModel):
    """A registered outside platform. It authenticates with a token (`Authorization: Bearer`) or
    a client certificate checked by the reverse proxy (its SHA-256 fingerprint is recorded here),
    and acts through its own service account: the audit trail names that account, and the
    account has no role and no password, so it opens no page.
    """

    name = models.CharField(_("nom"), max_length=200)
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte de service"),
        on_delete=models.PROTECT,
        related_name="platform",
    )
    scopes = models.JSONField(_("droits"), default=list)
    # SHA-256 of the token; the token itself is shown once, when it is issued.
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    token_prefix = models.CharField(max_length=8, blank=True)
    # SHA-256 of the client certificate (DER), lowercase hex without separators.
    certificate_fingerprint = models.CharField(
        _("empreinte du certificat client (SHA-256)"), max_length=64, blank=True, db_index=True
    )
    contact_email = models.EmailField(_("contact technique"), blank=True)
    created_at = models.DateTimeField(_("enregistrée le"), default=timezone.now)
    revoked_at = models.DateTimeField(_("révoquée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("plateforme raccordée")
        verbose_name_plural = _("plateformes raccordées")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def scope_labels(self) -> list[str]:
        """The rights in words, for the managers' page."""
        return [str(PlatformScope(scope).label) for scope in self.scopes if scope in PlatformScope]

    def may(self, scope: str) -> bool:
        return self.is_active and scope in self.scopes

    @property
    def audit_via(self) -> str:
        """How the audit trail names a call made by this platform (20 characters at most)."""
        return f"fhir:{self.public_id.hex[:12]}"

    def issue_token(self) -> str:
        """A new token (replacing any previous one), returned once; only its hash is kept."""
        key = self.generate_key()
        self.token_hash = self.hash(key)
        self.token_prefix = key[:8]
        self.save(update_fields=["token_hash", "token_prefix"])
        return key


class PlatformRequest(models.Model):
    """A referral a platform sent through `/fhir/`, under the identifier the platform gave it
    (ServiceRequest.identifier): the platform reads back only these, and finds them by it."""

    platform = models.ForeignKey(Platform, on_delete=models.PROTECT, related_name="requests")
    referral = models.OneToOneField(
        "referrals.Referral", on_delete=models.CASCADE, related_name="platform_request"
    )
    identifier_system = models.CharField(max_length=200)
    identifier_value = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("demande reçue d'une plateforme")
        verbose_name_plural = _("demandes reçues des plateformes")
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "identifier_system", "identifier_value"],
                name="platform_request_identifier_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.identifier_system}|{self.identifier_value}"


# Secure health messaging (interop/mssante/): its table is this app's.
from interop.mssante.models import SecureMessage  # noqa: E402, F401 -- the app's models, gathered
