"""ESS membership (application → validated → active / suspended / left), practice sites,
competences, governance roles, and the territory headcounts behind representativeness."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ess.fields import PublicIdModel, optional_fk
from ess.model_bases import ends_after_start
from ess.validators import validate_adeli, validate_rpps
from ess.workflow import Stateful, StatusEvent, status_columns, status_field
from members.models.accounts import Profession


class MembershipStatus(models.TextChoices):
    APPLIED = "applied", _("Candidature à examiner")
    CHANGES_REQUESTED = "changes_requested", _("Compléments demandés")
    VALIDATED = "validated", _("Validée, compte à activer")
    ACTIVE = "active", _("Membre actif")
    SUSPENDED = "suspended", _("Suspendu")
    REFUSED = "refused", _("Refusée")
    LEFT = "left", _("A quitté l'ESS")


# The only definition of what may follow what. VALIDATED → ACTIVE happens when the new member
# sets their password from the emailed link (an existing account skips VALIDATED).
MEMBERSHIP_TRANSITIONS: dict[str, frozenset[str]] = {
    MembershipStatus.APPLIED: frozenset(
        {MembershipStatus.VALIDATED, MembershipStatus.CHANGES_REQUESTED, MembershipStatus.REFUSED}
    ),
    MembershipStatus.CHANGES_REQUESTED: frozenset(
        {MembershipStatus.APPLIED, MembershipStatus.REFUSED}
    ),
    MembershipStatus.VALIDATED: frozenset({MembershipStatus.ACTIVE, MembershipStatus.LEFT}),
    MembershipStatus.ACTIVE: frozenset({MembershipStatus.SUSPENDED, MembershipStatus.LEFT}),
    MembershipStatus.SUSPENDED: frozenset({MembershipStatus.ACTIVE, MembershipStatus.LEFT}),
    MembershipStatus.REFUSED: frozenset(),
    MembershipStatus.LEFT: frozenset(),
}
# A person has at most one membership in these statuses (a refused applicant may apply again).
OPEN_MEMBERSHIP_STATUSES = frozenset(MembershipStatus) - {
    MembershipStatus.REFUSED,
    MembershipStatus.LEFT,
}


class PracticeMode(models.TextChoices):
    LIBERAL = "liberal", _("Libéral")
    MIXED = "mixte", _("Mixte (libéral et salarié)")


class Sector(models.TextChoices):
    SECTOR_1 = "secteur_1", _("Secteur 1")
    SECTOR_2_OPTAM = "secteur_2_optam", _("Secteur 2 avec OPTAM")
    SECTOR_2 = "secteur_2", _("Secteur 2")
    NOT_APPLICABLE = "sans_objet", _("Sans objet (paramédical, salarié)")


class Participation(models.TextChoices):
    """What a member takes part in; each value is a boolean column of Membership."""

    UNSCHEDULED_CARE = "unscheduled_care", _("Soins non programmés")
    TELEEXPERTISE = "teleexpertise", _("Télé-expertise")
    ADVANCED_CONSULTATIONS = "advanced_consultations", _("Consultations avancées")
    TRAINING = "training", _("Formation")
    PREVENTION = "prevention", _("Prévention et dépistage")


# What a member may agree to show on the public directory page (beyond name and specialty).
PUBLISHABLE_FIELDS = {
    "competences": _("Compétences"),
    "sites": _("Lieux d'exercice (adresse, commune)"),
    "phone": _("Téléphone des lieux d'exercice"),
    "participations": _("Participations aux missions"),
    "languages": _("Langues parlées"),
}


class Competence(models.Model):
    """A sub-specialty or competence (rythmologie, échocardiographie…), managed by the ESS."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    label = models.CharField(_("libellé"), max_length=120)
    specialty = optional_fk("ess.Specialty", _("spécialité"), related_name="competences")

    class Meta:
        verbose_name = _("compétence")
        ordering = ["label"]

    def __str__(self) -> str:
        return self.label


class Membership(Stateful, PublicIdModel):
    """One person's membership of the ESS, from the application on. The application's data is
    the member's directory entry; validation copies the identity onto the account."""

    transitions = MEMBERSHIP_TRANSITIONS

    user = optional_fk(settings.AUTH_USER_MODEL, related_name="memberships")
    status = status_field(MembershipStatus, default=MembershipStatus.APPLIED)
    # Identity
    email = models.EmailField(_("adresse électronique"))
    first_name = models.CharField(_("prénom"), max_length=150)
    last_name = models.CharField(_("nom"), max_length=150)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    profession = models.CharField(_("profession"), max_length=30, choices=Profession.choices)
    rpps = models.CharField(_("RPPS"), max_length=11, blank=True, validators=[validate_rpps])
    adeli = models.CharField(_("ADELI"), max_length=9, blank=True, validators=[validate_adeli])
    specialty = optional_fk("ess.Specialty", _("spécialité"), related_name="+")
    competences = models.ManyToManyField(
        Competence, blank=True, related_name="members", verbose_name=_("compétences")
    )
    practice_mode = models.CharField(
        _("mode d'exercice"), max_length=10, choices=PracticeMode.choices
    )
    sector = models.CharField(_("secteur"), max_length=20, choices=Sector.choices)
    languages = models.CharField(
        _("langues parlées"), max_length=200, blank=True, help_text=_("Ex. : anglais, arabe")
    )
    # Participation (one column each: indexed filters, works on every database)
    unscheduled_care = models.BooleanField(Participation.UNSCHEDULED_CARE.label, default=False)
    teleexpertise = models.BooleanField(Participation.TELEEXPERTISE.label, default=False)
    advanced_consultations = models.BooleanField(
        Participation.ADVANCED_CONSULTATIONS.label, default=False
    )
    training = models.BooleanField(Participation.TRAINING.label, default=False)
    prevention = models.BooleanField(Participation.PREVENTION.label, default=False)
    # Publication on the public page: listed at all, then which fields (PUBLISHABLE_FIELDS keys).
    is_public = models.BooleanField(_("figurer sur l'annuaire public"), default=False)
    public_fields = models.JSONField(_("informations publiées"), default=list, blank=True)
    # Changes of regulated fields (RPPS, ADELI, profession, specialty) awaiting a manager.
    pending_changes = models.JSONField(_("modifications à valider"), default=dict, blank=True)
    note = models.TextField(_("dernier motif ou message"), blank=True)
    # The public form's one-time key: a resent form finds the first application.
    submission_key = models.CharField(max_length=64, null=True, blank=True, unique=True)
    applied_at = models.DateTimeField(_("candidature"), default=timezone.now)
    joined_at = models.DateTimeField(_("membre depuis"), null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("adhésion")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["email"],
                condition=Q(status__in=sorted(OPEN_MEMBERSHIP_STATUSES)),
                name="membership_one_open_per_email",
            ),
            models.UniqueConstraint(
                fields=["rpps"],
                condition=Q(status__in=sorted(OPEN_MEMBERSHIP_STATUSES)) & ~Q(rpps=""),
                name="membership_one_open_per_rpps",
            ),
            models.CheckConstraint(
                condition=~Q(rpps="") | ~Q(adeli=""), name="membership_has_rpps_or_adeli"
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False)
                | ~Q(
                    status__in=[
                        MembershipStatus.VALIDATED,
                        MembershipStatus.ACTIVE,
                        MembershipStatus.SUSPENDED,
                    ]
                ),
                name="membership_validated_has_user",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "specialty"], name="membership_directory"),
            models.Index(fields=["status", "-applied_at"], name="membership_queue"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        title = "Dr " if self.profession == Profession.PHYSICIAN else ""
        return f"{title}{self.first_name} {self.last_name}".strip()

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_MEMBERSHIP_STATUSES

    @property
    def participations(self) -> list[Participation]:
        return [p for p in Participation if getattr(self, p.value)]

    def publishes(self, key: str) -> bool:
        return self.is_public and key in self.public_fields


class MembershipEvent(StatusEvent):
    """The membership's history: every change of status, and profile changes to review."""

    subject_field = "membership"

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="events")
    actor = optional_fk(settings.AUTH_USER_MODEL, related_name="+")
    from_status, to_status = status_columns(MembershipStatus)

    class Meta(StatusEvent.Meta):
        indexes = [models.Index(fields=["membership", "at"], name="membership_event_timeline")]


class PracticeSite(models.Model):
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="sites")
    address = models.CharField(_("adresse"), max_length=200)
    commune = models.ForeignKey(
        "ess.Commune", on_delete=models.PROTECT, related_name="+", verbose_name=_("commune")
    )
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("lieu d'exercice")
        verbose_name_plural = _("lieux d'exercice")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.address}, {self.commune_id}"


class GovernanceKind(models.TextChoices):
    PRESIDENT = "president", _("Président·e / responsable")
    VICE_PRESIDENT = "vice_president", _("Vice-président·e")
    TREASURER = "treasurer", _("Trésorier·ère")
    SECRETARY = "secretary", _("Secrétaire")
    BOARD = "board", _("Membre du bureau")
    AMBASSADOR = "ambassador", _("Ambassadeur·rice")


class GovernanceRole(PublicIdModel):
    """A member's role in the ESS's organisation, for a period (end date unknown while held)."""

    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="governance_roles"
    )
    kind = models.CharField(_("fonction"), max_length=20, choices=GovernanceKind.choices)
    starts_on = models.DateField(_("depuis le"))
    ends_on = models.DateField(_("jusqu'au"), null=True, blank=True)
    note = models.CharField(_("précision"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("fonction dans l'ESS")
        verbose_name_plural = _("fonctions dans l'ESS")
        ordering = ["kind", "starts_on"]
        constraints = [ends_after_start("governance_ends_after_start", open_ended=True)]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.membership}"

    def is_current(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.starts_on <= today and (self.ends_on is None or self.ends_on >= today)


class SpecialtyHeadcount(models.Model):
    """Specialists of a specialty practising on the territory, as entered by a manager: the
    denominator of representativeness."""

    specialty = models.OneToOneField(
        "ess.Specialty", on_delete=models.CASCADE, related_name="headcount"
    )
    territory_count = models.PositiveIntegerField(_("spécialistes sur le territoire"))
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("effectif du territoire")

    def __str__(self) -> str:
        return f"{self.specialty}: {self.territory_count}"
