"""Patient identity (INS, identitovigilance): the patient a referral is about, with the strict
traits of the identity document and the state of its check. Kept beside `models.py` (which
re-exports them) to keep each module short."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ess.fields import PublicIdModel, optional_fk
from ess.validators import validate_nir


class Sex(models.TextChoices):
    FEMALE = "F", _("Féminin")
    MALE = "M", _("Masculin")


class IdentityStatus(models.TextChoices):
    PROVISIONAL = "provisoire", _("Provisoire")
    RETRIEVED = "recuperee", _("Récupérée")
    VALIDATED = "validee", _("Validée")
    QUALIFIED = "qualifiee", _("Qualifiée")


class IdentityDocument(models.TextChoices):
    ID_CARD = "cni", _("Carte nationale d'identité")
    PASSPORT = "passeport", _("Passeport")
    RESIDENCE_PERMIT = "titre_sejour", _("Titre de séjour")
    BIRTH_RECORD = "acte_naissance", _("Extrait d'acte de naissance ou livret de famille (mineur)")


class InsOid(models.TextChoices):
    NIR = "1.2.250.1.213.1.4.8", _("NIR")
    NIA = "1.2.250.1.213.1.4.9", _("NIA")
    TEST = "1.2.250.1.213.1.4.10", _("INS de test")


class Patient(PublicIdModel):
    ins = models.CharField(
        _("matricule INS (NIR/NIA)"), max_length=15, blank=True, validators=[validate_nir]
    )
    ins_oid = models.CharField(
        _("OID du matricule"), max_length=30, blank=True, choices=InsOid.choices
    )
    # The five strict traits (+ twin rank), as on the identity document.
    birth_name = models.CharField(_("nom de naissance"), max_length=100)
    first_names = models.CharField(_("prénoms de naissance"), max_length=150)
    sex = models.CharField(_("sexe"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("date de naissance"))
    birth_place_code = models.CharField(
        _("lieu de naissance (code INSEE)"), max_length=5, blank=True
    )
    twin_rank = models.PositiveSmallIntegerField(_("rang gémellaire"), null=True, blank=True)
    used_name = models.CharField(_("nom utilisé"), max_length=100, blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    commune = optional_fk("ess.Commune", _("commune de résidence"), related_name="+")
    gp_name = models.CharField(_("médecin traitant"), max_length=150, blank=True)
    # Ours: stays "provisoire" until a staff member records a check against an identity document.
    identity_status = models.CharField(
        _("statut de l'identité"),
        max_length=12,
        choices=IdentityStatus.choices,
        default=IdentityStatus.PROVISIONAL,
    )
    identity_checked_by = optional_fk(settings.AUTH_USER_MODEL, related_name="+")
    identity_checked_at = models.DateTimeField(null=True, blank=True)
    identity_document = models.CharField(
        _("pièce d'identité vérifiée"), max_length=20, choices=IdentityDocument.choices, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("patient")
        constraints = [
            # The same INS twice is the same patient.
            models.UniqueConstraint(
                fields=["ins"], condition=~Q(ins=""), name="patient_ins_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["birth_name", "birth_date"], name="patient_traits"),
            # Prefix search on names (stored upper-case) from the dashboard and "Mes demandes".
            # The id included: the search reads the matching patients from the index alone.
            models.Index(
                fields=["birth_name"],
                name="patient_name_prefix",
                opclasses=["varchar_pattern_ops"],
                include=["id"],
            ),
            models.Index(
                fields=["used_name"],
                name="patient_used_name_prefix",
                opclasses=["varchar_pattern_ops"],
                include=["id"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.birth_date:%d/%m/%Y})"

    @property
    def display_name(self) -> str:
        first = self.first_names.split(" ")[0] if self.first_names else ""
        name = self.used_name or self.birth_name
        return f"{name.upper()} {first}".strip()

    def strict_traits(self) -> dict:
        return {
            "birth_name": self.birth_name.upper(),
            "first_names": self.first_names.upper(),
            "sex": self.sex,
            "birth_date": self.birth_date.isoformat() if self.birth_date else "",
            "birth_place_code": self.birth_place_code,
        }
