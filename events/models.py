"""What the ESS does beyond answering cases: trainings and meetings for the territory's
first-line professionals (with registrations, a waiting list, attendance and certificates),
public-health campaigns (prevention, screening) and their actions' counts, the therapeutic patient
education (ETP) programmes it takes part in, and the residents its members host.

Patients never appear here by name: campaigns and ETP sessions hold counts only."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ess.fields import PublicIdModel, optional_fk
from ess.model_bases import Timestamped, Titled, ends_after_start
from ess.workflow import Stateful, StatusEvent, status_columns, status_field


# ---------------------------------------------------------------------------------------------
# Trainings and meetings for professionals
# ---------------------------------------------------------------------------------------------
class TrainingKind(models.TextChoices):
    EVENING = "evening", _("Soirée de formation")
    WEBINAR = "webinar", _("Webinaire")
    PRACTICE_MEETING = "practice", _("Groupe d'amélioration des pratiques")
    COURSE = "course", _("Formation continue (DPC)")
    CONFERENCE = "conference", _("Réunion d'information")


class TrainingStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    PUBLISHED = "published", _("Publiée")
    HELD = "held", _("Tenue")
    CANCELLED = "cancelled", _("Annulée")


TRAINING_TRANSITIONS: dict[str, frozenset[str]] = {
    TrainingStatus.DRAFT: frozenset({TrainingStatus.PUBLISHED, TrainingStatus.CANCELLED}),
    TrainingStatus.PUBLISHED: frozenset({TrainingStatus.HELD, TrainingStatus.CANCELLED}),
    TrainingStatus.HELD: frozenset(),
    TrainingStatus.CANCELLED: frozenset(),
}


class Training(Stateful, Titled, Timestamped, PublicIdModel):
    """A training or meeting the ESS offers to the territory's professionals. Public once
    published; anyone may register while places remain, then on the waiting list."""

    transitions = TRAINING_TRANSITIONS

    kind = models.CharField(
        _("format"), max_length=12, choices=TrainingKind.choices, default=TrainingKind.EVENING
    )
    specialty = optional_fk("ess.Specialty", _("spécialité"), related_name="+")
    summary = models.CharField(_("en bref"), max_length=300, blank=True)
    programme = models.TextField(_("programme"), blank=True)
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    # The hours an attendance certificate states (a course's hours need not be its span).
    hours = models.DecimalField(
        _("durée certifiée (heures)"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5"))],
    )
    place = models.CharField(_("lieu"), max_length=300, blank=True)
    video_url = models.URLField(_("lien de visioconférence"), blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("nombre de places"), validators=[MinValueValidator(1)]
    )
    # Profession codes (members.Profession) the training is meant for; empty: everyone.
    target_professions = models.JSONField(_("professions visées"), default=list, blank=True)
    speakers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="trainings_given",
        verbose_name=_("intervenants"),
    )
    partners = models.ManyToManyField(
        "partners.Partner",
        blank=True,
        related_name="trainings",
        verbose_name=_("partenaires co-organisateurs"),
    )
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="trainings_organised",
        verbose_name=_("organisateur"),
    )
    status = status_field(TrainingStatus, default=TrainingStatus.DRAFT, max_length=10)
    published_at = models.DateTimeField(null=True, blank=True)
    held_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(_("motif d'annulation"), blank=True)

    class Meta:
        verbose_name = _("formation")
        verbose_name_plural = _("formations")
        ordering = ["starts_at", "pk"]
        constraints = [
            ends_after_start("training_ends_after_start", "starts_at", "ends_at", strict=True),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="training_has_places"),
            models.CheckConstraint(condition=Q(hours__gt=0), name="training_hours_positive"),
            models.CheckConstraint(
                condition=~Q(status=TrainingStatus.CANCELLED) | ~Q(cancel_reason=""),
                name="training_cancelled_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["status", "starts_at"], name="training_by_status")]


class TrainingEvent(StatusEvent):
    subject_field = "training"

    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="events")
    from_status, to_status = status_columns(TrainingStatus)

    class Meta(StatusEvent.Meta):
        verbose_name = _("historique d'une formation")


class RegistrationStatus(models.TextChoices):
    # Registered without an account: holds nothing until the email address is confirmed.
    PENDING = "pending", _("À confirmer par courriel")
    CONFIRMED = "confirmed", _("Inscrit·e")
    WAITLISTED = "waitlisted", _("En liste d'attente")
    CANCELLED = "cancelled", _("Annulée")


REGISTRATION_TRANSITIONS: dict[str, frozenset[str]] = {
    RegistrationStatus.PENDING: frozenset(
        {RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED, RegistrationStatus.CANCELLED}
    ),
    RegistrationStatus.WAITLISTED: frozenset(
        {RegistrationStatus.CONFIRMED, RegistrationStatus.CANCELLED}
    ),
    RegistrationStatus.CONFIRMED: frozenset({RegistrationStatus.CANCELLED}),
    RegistrationStatus.CANCELLED: frozenset(),
}

# Registrations that count against a person registering again.
ACTIVE_REGISTRATION = ~Q(status=RegistrationStatus.CANCELLED)


class Registration(Stateful, PublicIdModel):
    """A professional's registration to a training: by a signed-in account, or by anyone
    confirming their email address (`public_id` is then the secret of the links the emails
    carry). Its status holds a place, a rank on the waiting list, or neither."""

    transitions = REGISTRATION_TRANSITIONS

    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="registrations")
    user = optional_fk(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, related_name="training_registrations"
    )
    # Always set, lower-cased: whom the emails go to, and what a second registration matches.
    email = models.EmailField(_("adresse électronique"))
    first_name = models.CharField(_("prénom"), max_length=150)
    last_name = models.CharField(_("nom"), max_length=150)
    profession = models.CharField(_("profession"), max_length=30, blank=True)
    rpps = models.CharField(_("numéro RPPS"), max_length=11, blank=True)
    organisation = models.CharField(_("structure d'exercice"), max_length=200, blank=True)
    status = status_field(RegistrationStatus, default=RegistrationStatus.PENDING, max_length=10)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The waiting list's order: first waitlisted, first promoted.
    waitlisted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # The day-before reminder, sent once.
    reminded_at = models.DateTimeField(null=True, blank=True)
    # None until attendance is taken; then present or absent.
    attended = models.BooleanField(_("présent·e"), null=True, blank=True)

    class Meta:
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        ordering = ["training", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["training", "email"],
                condition=ACTIVE_REGISTRATION,
                name="registration_once_per_email",
            ),
            models.UniqueConstraint(
                fields=["training", "user"],
                condition=ACTIVE_REGISTRATION & Q(user__isnull=False),
                name="registration_once_per_user",
            ),
            models.CheckConstraint(
                condition=~Q(status=RegistrationStatus.WAITLISTED) | Q(waitlisted_at__isnull=False),
                name="registration_waitlisted_has_rank",
            ),
            models.CheckConstraint(
                condition=Q(attended__isnull=True) | Q(status=RegistrationStatus.CONFIRMED),
                name="registration_attendance_of_confirmed",
            ),
        ]
        indexes = [
            models.Index(fields=["training", "status", "waitlisted_at"], name="registration_queue"),
            models.Index(fields=["user", "status"], name="registration_by_user"),
            models.Index(fields=["email"], name="registration_by_email"),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


# ---------------------------------------------------------------------------------------------
# Public-health campaigns
# ---------------------------------------------------------------------------------------------
class CampaignKind(models.TextChoices):
    PREVENTION = "prevention", _("Prévention")
    SCREENING = "screening", _("Dépistage")
    AWARENESS = "awareness", _("Sensibilisation")


class Campaign(Titled, Timestamped, PublicIdModel):
    """A prevention or screening campaign on part of the territory, with partners, over a
    period. Its actions carry the counts; the health project's actions point to it
    (`projet_sante` reads campaigns, never the other way round)."""

    kind = models.CharField(
        _("type"), max_length=12, choices=CampaignKind.choices, default=CampaignKind.PREVENTION
    )
    theme = models.CharField(_("thème"), max_length=200)
    specialty = optional_fk("ess.Specialty", _("spécialité"), related_name="+")
    description = models.TextField(_("description"), blank=True)
    target_population = models.CharField(_("population cible"), max_length=300)
    starts_on = models.DateField(_("début"))
    ends_on = models.DateField(_("fin"))
    communes = models.ManyToManyField(
        "ess.Commune", blank=True, related_name="+", verbose_name=_("communes")
    )
    departements = models.ManyToManyField(
        "ess.Departement", blank=True, related_name="+", verbose_name=_("départements")
    )
    partners = models.ManyToManyField(
        "partners.Partner",
        blank=True,
        related_name="campaigns",
        verbose_name=_("partenaires"),
    )
    lead = optional_fk(settings.AUTH_USER_MODEL, _("responsable"), related_name="+")
    is_public = models.BooleanField(_("affichée publiquement"), default=True)

    class Meta:
        verbose_name = _("campagne de santé publique")
        verbose_name_plural = _("campagnes de santé publique")
        ordering = ["-starts_on", "pk"]
        constraints = [ends_after_start("campaign_ends_after_start")]
        indexes = [models.Index(fields=["starts_on", "ends_on"], name="campaign_period")]


class CampaignAction(PublicIdModel):
    """One action of a campaign (a screening day, a stand, a mailing) and what it achieved:
    counts, never identities."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(_("action"), max_length=200)
    held_on = models.DateField(_("date"))
    place = models.CharField(_("lieu"), max_length=300, blank=True)
    people_reached = models.PositiveIntegerField(_("personnes touchées"), default=0)
    screenings_done = models.PositiveIntegerField(_("dépistages réalisés"), default=0)
    referrals_generated = models.PositiveIntegerField(
        _("orientations vers un spécialiste"), default=0
    )
    notes = models.TextField(_("remarques"), blank=True)
    recorded_by = optional_fk(settings.AUTH_USER_MODEL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("action de campagne")
        verbose_name_plural = _("actions de campagne")
        ordering = ["campaign", "held_on", "pk"]
        indexes = [models.Index(fields=["held_on"], name="campaign_action_by_day")]

    def __str__(self) -> str:
        return self.title


# ---------------------------------------------------------------------------------------------
# Therapeutic patient education (ETP)
# ---------------------------------------------------------------------------------------------
class EtpProgramme(Titled, PublicIdModel):
    """An ETP programme authorised by the ARS that the ESS takes part in."""

    specialty = optional_fk("ess.Specialty", _("spécialité"), related_name="+")
    authorisation_number = models.CharField(_("numéro d'autorisation ARS"), max_length=50)
    authorised_on = models.DateField(_("date d'autorisation"))
    coordinator = optional_fk(settings.AUTH_USER_MODEL, _("coordinateur·rice"), related_name="+")
    coordinator_name = models.CharField(
        _("coordinateur·rice (hors ESS)"), max_length=200, blank=True
    )
    partners = models.ManyToManyField(
        "partners.Partner",
        blank=True,
        related_name="etp_programmes",
        verbose_name=_("partenaires"),
    )
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("en cours"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("programme d'ETP")
        verbose_name_plural = _("programmes d'ETP")
        ordering = ["title", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["authorisation_number"], name="etp_programme_authorisation_once"
            ),
        ]


class EtpSession(PublicIdModel):
    """A session of a programme and how many patients took part (a count, never names)."""

    programme = models.ForeignKey(EtpProgramme, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField(_("date"))
    topic = models.CharField(_("thème de la séance"), max_length=200)
    collective = models.BooleanField(_("séance collective"), default=True)
    patients_count = models.PositiveSmallIntegerField(_("nombre de patients"), default=0)
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="etp_sessions",
        verbose_name=_("animateurs"),
    )
    recorded_by = optional_fk(settings.AUTH_USER_MODEL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("séance d'ETP")
        verbose_name_plural = _("séances d'ETP")
        ordering = ["programme", "held_on", "pk"]
        indexes = [models.Index(fields=["held_on"], name="etp_session_by_day")]

    def __str__(self) -> str:
        return f"{self.topic} ({self.held_on:%d/%m/%Y})"


# ---------------------------------------------------------------------------------------------
# Residents (internes) hosted by members
# ---------------------------------------------------------------------------------------------
class SemesterSeason(models.TextChoices):
    # French residents change placement twice a year, early May and early November.
    MAY = "may", _("Semestre d'été (mai)")
    NOVEMBER = "november", _("Semestre d'hiver (novembre)")


class ResidentSupervisor(PublicIdModel):
    """A member approved to supervise residents (maître de stage universitaire)."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="resident_supervision",
        verbose_name=_("membre"),
    )
    approval_number = models.CharField(_("numéro d'agrément"), max_length=50, blank=True)
    approved_until = models.DateField(_("agrément valable jusqu'au"), null=True, blank=True)
    university = models.CharField(_("faculté de rattachement"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("maître de stage")
        verbose_name_plural = _("maîtres de stage")
        ordering = ["member__last_name", "pk"]

    def __str__(self) -> str:
        return str(self.member)


class TrainingPlace(PublicIdModel):
    """The places a supervisor offers for one semester."""

    supervisor = models.ForeignKey(
        ResidentSupervisor, on_delete=models.CASCADE, related_name="places"
    )
    year = models.PositiveSmallIntegerField(_("année"))
    season = models.CharField(_("semestre"), max_length=10, choices=SemesterSeason.choices)
    places = models.PositiveSmallIntegerField(
        _("places offertes"), validators=[MinValueValidator(1)]
    )
    site = models.CharField(_("lieu de stage"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("offre de stage")
        verbose_name_plural = _("offres de stage")
        ordering = ["-year", "season", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["supervisor", "year", "season"], name="training_place_once_per_semester"
            ),
            models.CheckConstraint(condition=Q(places__gte=1), name="training_place_has_places"),
        ]

    def __str__(self) -> str:
        return f"{self.supervisor} {self.get_season_display()} {self.year}"


class Placement(PublicIdModel):
    """A resident placed on an offer for its semester."""

    place = models.ForeignKey(TrainingPlace, on_delete=models.CASCADE, related_name="placements")
    resident_name = models.CharField(_("interne"), max_length=200)
    phase = models.CharField(_("phase"), max_length=100, blank=True)
    starts_on = models.DateField(_("début"))
    ends_on = models.DateField(_("fin"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("stage d'interne")
        verbose_name_plural = _("stages d'internes")
        ordering = ["starts_on", "pk"]
        constraints = [ends_after_start("placement_ends_after_start", strict=True)]
        indexes = [models.Index(fields=["starts_on", "ends_on"], name="placement_period")]

    def __str__(self) -> str:
        return self.resident_name
