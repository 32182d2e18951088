"""People: accounts (email login), professional identity, roles, organisations, invitations."""

from functools import cached_property

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ess.fields import PublicIdModel, optional_fk
from ess.models import EmailChoice
from ess.roles import Institution, Role
from ess.validators import (
    validate_adeli,
    validate_finess,
    validate_mssante_address,
    validate_rpps,
    validate_siret,
)


class Profession(models.TextChoices):
    PHYSICIAN = "medecin", _("Médecin")
    NURSE = "infirmier", _("Infirmier·e (IDE)")
    ADVANCED_NURSE = "ipa", _("Infirmier·e en pratique avancée (IPA)")
    PHARMACIST = "pharmacien", _("Pharmacien·ne")
    MIDWIFE = "sage_femme", _("Sage-femme")
    PHYSIOTHERAPIST = "kinesitherapeute", _("Masseur-kinésithérapeute")
    COORDINATOR = "coordinateur", _("Coordinateur·rice de parcours")
    ADMINISTRATIVE = "administratif", _("Personnel administratif")
    OTHER = "autre", _("Autre")


class OrganisationKind(models.TextChoices):
    PRACTICE = "cabinet", _("Cabinet libéral")
    MSP = "msp", _("Maison de santé pluriprofessionnelle (MSP)")
    HEALTH_CENTRE = "centre_sante", _("Centre de santé")
    CPTS = "cpts", _("CPTS")
    DAC = "dac", _("Dispositif d'appui à la coordination (DAC)")
    EHPAD = "ehpad", _("EHPAD")
    HOSPITAL = "etablissement", _("Établissement de santé")
    AUTHORITY = "tutelle", _("ARS / Assurance maladie")
    OTHER = "autre", _("Autre")


class Organisation(PublicIdModel):
    """Where a professional works and acts from: a practice, a CPTS, an EHPAD…"""

    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=OrganisationKind.choices)
    commune = optional_fk("ess.Commune", related_name="+")
    siret = models.CharField(_("SIRET"), max_length=14, blank=True, validators=[validate_siret])
    finess = models.CharField(_("FINESS"), max_length=9, blank=True, validators=[validate_finess])
    # The partner record this organisation belongs to (a CPTS, an EHPAD…): indicators say where
    # requests come from through it.
    partner = optional_fk(
        "partners.Partner", _("partenaire"), on_delete=models.SET_NULL, related_name="organisations"
    )

    class Meta:
        verbose_name = _("organisation")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("Une adresse électronique est requise.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin, PublicIdModel):
    email = models.EmailField(_("adresse électronique"), unique=True)
    first_name = models.CharField(_("prénom"), max_length=150, blank=True)
    last_name = models.CharField(_("nom"), max_length=150, blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    profession = models.CharField(
        _("profession"), max_length=30, choices=Profession.choices, blank=True
    )
    specialty = optional_fk("ess.Specialty", _("spécialité"), related_name="+")
    rpps = models.CharField(_("RPPS"), max_length=11, blank=True, validators=[validate_rpps])
    adeli = models.CharField(_("ADELI"), max_length=9, blank=True, validators=[validate_adeli])
    organisation = optional_fk(Organisation, _("organisation"), related_name="people")
    # An authority account speaks for one institution (ARS, CPAM), whose signature it gives.
    institution = models.CharField(
        _("institution (autorité)"), max_length=10, choices=Institution.choices, blank=True
    )
    # A delegate (CPTS/DAC coordinator, practice secretary…) follows the organisation's requests.
    acts_for_organisation = models.BooleanField(
        _("suit les demandes de son organisation"), default=False
    )
    is_active = models.BooleanField(_("actif"), default=True)
    is_staff = models.BooleanField(_("accès à l'administration"), default=False)
    notification_email = models.CharField(
        _("courriels de notification"),
        max_length=10,
        choices=EmailChoice.choices,
        default=EmailChoice.IMMEDIATE,
    )
    # Where the specialists' answers are sent by secure health messaging (interop/mssante/).
    mssante_email = models.EmailField(
        _("adresse de messagerie sécurisée de santé (MSSanté)"),
        blank=True,
        validators=[validate_mssante_address],
        help_text=_(
            "Les réponses des spécialistes (texte et compte rendu PDF) y sont aussi envoyées, "
            "par exemple prenom.nom@medecin.mssante.fr."
        ),
    )
    # The language of the notifications and emails this person receives: the one they last
    # chose in the language switch or in their preferences (the pages follow the browser).
    language = models.CharField(
        _("langue des notifications et des courriels"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    # Demo accounts exist only on demonstration instances: refused unless ESS_DEMO is on.
    is_demo = models.BooleanField(_("compte de démonstration"), default=False)
    date_joined = models.DateTimeField(_("inscription"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("utilisateur")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["rpps"], condition=~models.Q(rpps=""), name="user_rpps_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name or self.email

    @property
    def display_name(self) -> str:
        title = "Dr " if self.profession == Profession.PHYSICIAN else ""
        return f"{title}{self.get_full_name()}".strip() or self.email

    @cached_property
    def roles(self) -> frozenset[str]:
        """The roles this person holds (one query, then cached for the request)."""
        return frozenset(grant.role for grant in self.role_grants.all())

    @property
    def national_id(self) -> str:
        """The national professional identifier: '8' + RPPS (Pro Santé Connect, FHIR)."""
        return f"8{self.rpps}" if self.rpps else ""


class RoleGrant(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices)
    granted_at = models.DateTimeField(default=timezone.now)
    granted_by = optional_fk(User, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("rôle attribué")
        verbose_name_plural = _("rôles attribués")
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="rolegrant_unique"),
        ]
        indexes = [models.Index(fields=["role"], name="rolegrant_role")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"


class Invitation(PublicIdModel):
    """A manager invites someone by email: sign-up is not open to the public."""

    email = models.EmailField(_("adresse électronique"))
    first_name = models.CharField(_("prénom"), max_length=150)
    last_name = models.CharField(_("nom"), max_length=150)
    roles = models.JSONField(_("rôles"), default=list)
    organisation = optional_fk(Organisation, _("organisation"), related_name="+")
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    user = optional_fk(User, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("invitation")
        ordering = ["-created_at"]
        constraints = [
            # At most one pending invitation per address.
            models.UniqueConstraint(
                fields=["email"],
                condition=models.Q(accepted_at=None, revoked_at=None),
                name="invitation_one_pending_per_email",
            ),
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None

    @property
    def is_usable(self) -> bool:
        return self.is_pending and self.expires_at > timezone.now()

    def get_roles_display(self) -> str:
        return ", ".join(str(Role(r).label) for r in self.roles)
