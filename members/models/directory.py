"""The national directory of health professionals (RPPS/ADELI), a local copy of the open
extraction of annuaire.sante.fr, loaded by `load_directory`. One row per professional: the
first activity line of the file (its primary practice); later lines of the same professional are
ignored. Read-only reference data: self-registration prefills from it and checks that the
professional practises in the ESS's départements."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DirectoryIdType(models.TextChoices):
    ADELI = "adeli", "ADELI"
    RPPS = "rpps", "RPPS"


class DirectoryEntry(models.Model):
    # "Identification nationale PP": the id type's prefix ("8" RPPS, "0" ADELI) then the number.
    national_id = models.CharField(_("identifiant national"), max_length=20, unique=True)
    id_type = models.CharField(_("type d'identifiant"), max_length=5, choices=DirectoryIdType)
    identifier = models.CharField(_("numéro RPPS ou ADELI"), max_length=11, db_index=True)
    civility = models.CharField(_("civilité"), max_length=10, blank=True)
    last_name = models.CharField(_("nom d'exercice"), max_length=150)
    first_name = models.CharField(_("prénom d'exercice"), max_length=150, blank=True)
    profession_code = models.CharField(_("code profession"), max_length=10, blank=True)
    profession_label = models.CharField(_("profession"), max_length=150, blank=True)
    specialty_code = models.CharField(_("code savoir-faire"), max_length=20, blank=True)
    specialty_label = models.CharField(_("savoir-faire"), max_length=200, blank=True)
    site_name = models.CharField(_("raison sociale du site"), max_length=200, blank=True)
    address = models.CharField(_("adresse"), max_length=300, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=10, blank=True)
    # Plain codes, not foreign keys: an unknown commune never makes an import fail.
    commune_code = models.CharField(_("code commune (INSEE)"), max_length=5, blank=True)
    commune_name = models.CharField(_("commune"), max_length=150, blank=True)
    departement_code = models.CharField(_("département"), max_length=3, blank=True, db_index=True)
    # False when the line carries no practice ("Code mode exercice" empty): the professional is
    # registered but declares no current activity, and may not self-register.
    has_activity = models.BooleanField(_("en exercice"), default=True)
    imported_at = models.DateTimeField(_("importé le"))

    class Meta:
        verbose_name = _("professionnel de l'annuaire national")
        verbose_name_plural = _("annuaire national des professionnels")
        ordering = ["last_name", "first_name"]

    def __str__(self):
        return (
            f"{self.last_name} {self.first_name} ({self.get_id_type_display()} {self.identifier})"
        )
