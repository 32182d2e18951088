"""Advanced consultations ("consultations avancées"): sites in under-served communes, recurring
plans, concrete sessions run by a rota of specialists, the appointments booked into them and the
swaps between specialists."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ess.fields import PublicIdModel, actor_fk, optional_fk
from ess.model_bases import ends_after_start
from ess.workflow import Stateful, status_field


class ConsultationSite(PublicIdModel):
    """A place where an ESS specialist consults regularly, usually hosted by a partner (MSP,
    hospital) under a hosting convention."""

    name = models.CharField(_("nom du site"), max_length=150)
    commune = models.ForeignKey(
        "ess.Commune", on_delete=models.PROTECT, related_name="+", verbose_name=_("commune")
    )
    address = models.CharField(_("adresse"), max_length=250)
    host = optional_fk(
        "partners.Partner", _("structure d'accueil"), related_name="consultation_sites"
    )
    convention = optional_fk(
        "partners.Convention", _("convention d'accueil"), related_name="consultation_sites"
    )
    rooms = models.TextField(_("locaux et équipement"), blank=True)
    accessibility = models.TextField(_("accessibilité"), blank=True)
    specialties = models.ManyToManyField(
        "ess.Specialty", related_name="+", verbose_name=_("spécialités proposées")
    )
    underserved = models.BooleanField(_("zone sous-dotée"), default=False)
    active = models.BooleanField(_("actif"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("site de consultation avancée")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def full_address(self) -> str:
        return f"{self.address}, {self.commune.name}"


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("lundi")
    TUESDAY = 1, _("mardi")
    WEDNESDAY = 2, _("mercredi")
    THURSDAY = 3, _("jeudi")
    FRIDAY = 4, _("vendredi")
    SATURDAY = 5, _("samedi")


class ConsultationPlan(PublicIdModel):
    """A recurring session (e.g. every Tuesday morning) of one specialty at a site, for a season,
    with the specialists who volunteer to run it."""

    site = models.ForeignKey(ConsultationSite, on_delete=models.PROTECT, related_name="plans")
    specialty = models.ForeignKey(
        "ess.Specialty", on_delete=models.PROTECT, related_name="+", verbose_name=_("spécialité")
    )
    weekday = models.PositiveSmallIntegerField(_("jour"), choices=Weekday.choices)
    start_time = models.TimeField(_("début"))
    end_time = models.TimeField(_("fin"))
    season_start = models.DateField(_("début de saison"))
    season_end = models.DateField(_("fin de saison"))
    capacity = models.PositiveSmallIntegerField(_("nombre de rendez-vous"))
    slot_minutes = models.PositiveSmallIntegerField(_("durée d'un rendez-vous (minutes)"))
    volunteers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="consultation_plans",
        blank=True,
        verbose_name=_("spécialistes volontaires"),
    )
    # A nurse-led consultation: the protocol's delegates (IPA, IDE) may volunteer while its
    # convention is in force.
    protocol = optional_fk(
        "partners.Protocol",
        _("protocole (consultation infirmière)"),
        related_name="consultation_plans",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("programme de consultations avancées")
        ordering = ["site__name", "weekday", "start_time"]
        constraints = [
            ends_after_start("plan_ends_after_start", "start_time", "end_time", strict=True),
            ends_after_start("plan_season_ordered", "season_start", "season_end"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="plan_capacity_positive"),
            models.CheckConstraint(condition=Q(slot_minutes__gte=5), name="plan_slot_minutes"),
        ]

    def __str__(self) -> str:
        return f"{self.site} — {self.get_weekday_display()} {self.start_time:%H:%M}"


class SessionStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    PUBLISHED = "published", _("Publiée")
    CANCELLED = "cancelled", _("Annulée")


# The only definition of what may follow what for a session.
SESSION_TRANSITIONS: dict[str, frozenset[str]] = {
    SessionStatus.DRAFT: frozenset({SessionStatus.PUBLISHED, SessionStatus.CANCELLED}),
    SessionStatus.PUBLISHED: frozenset({SessionStatus.CANCELLED}),
    SessionStatus.CANCELLED: frozenset(),
}


class ConsultationSession(Stateful, PublicIdModel):
    """One concrete half-day at a site: a specialist, a number of appointments of a given length.
    Held = published and past. "Never two places at once" is also an exclusion constraint on
    PostgreSQL (session_specialist_no_overlap, added by a migration: referrals 0005, where the
    table was created)."""

    transitions = SESSION_TRANSITIONS

    site = models.ForeignKey(ConsultationSite, on_delete=models.PROTECT, related_name="sessions")
    plan = optional_fk(ConsultationPlan, related_name="sessions")
    specialty = models.ForeignKey("ess.Specialty", on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("date"))
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    specialist = optional_fk(
        settings.AUTH_USER_MODEL, _("spécialiste"), related_name="consultation_sessions"
    )
    capacity = models.PositiveSmallIntegerField(_("nombre de rendez-vous"))
    slot_minutes = models.PositiveSmallIntegerField(_("durée d'un rendez-vous (minutes)"))
    status = status_field(SessionStatus, default=SessionStatus.DRAFT, max_length=12)
    # The specialist who runs the session offers its free appointment places to the SAS, which
    # reads them through `/fhir/Slot` (published sessions only).
    sas_open = models.BooleanField(_("ouvert au SAS"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("consultation avancée")
        ordering = ["starts_at", "pk"]
        constraints = [
            ends_after_start("session_ends_after_start", "starts_at", "ends_at", strict=True),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="session_capacity_positive"),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(specialist__isnull=False),
                name="session_published_has_specialist",
            ),
            # Generating a plan's sessions twice creates nothing the second time.
            models.UniqueConstraint(
                fields=["plan", "date"],
                condition=Q(plan__isnull=False),
                name="session_one_per_plan_date",
            ),
        ]
        indexes = [
            models.Index(fields=["specialty", "status", "starts_at"], name="session_bookable"),
            models.Index(fields=["specialist", "starts_at"], name="session_by_specialist"),
        ]

    def __str__(self) -> str:
        return f"{self.site} {timezone.localtime(self.starts_at):%d/%m/%Y %H:%M}"

    @property
    def is_held(self) -> bool:
        return self.status == SessionStatus.PUBLISHED and self.ends_at <= timezone.now()


class Appointment(PublicIdModel):
    """A referral booked into a session (the referral holds at most one). `position` numbers the
    appointment slots of the session (0 … capacity − 1): unique per session, so two bookings can
    never share one."""

    session = models.ForeignKey(
        ConsultationSession, on_delete=models.PROTECT, related_name="appointments"
    )
    referral = models.OneToOneField(
        "referrals.Referral", on_delete=models.CASCADE, related_name="consultation_appointment"
    )
    position = models.PositiveSmallIntegerField()
    starts_at = models.DateTimeField(_("heure du rendez-vous"))
    booked_by = actor_fk()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("rendez-vous de consultation avancée")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "position"], name="appointment_one_per_position"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.referral_id} → {self.session_id} #{self.position}"


class SwapStatus(models.TextChoices):
    PENDING = "pending", _("En attente")
    APPROVED = "approved", _("Acceptée")
    REFUSED = "refused", _("Refusée")


# The only definition of what may follow what for a swap, of a session or of an on-call duty.
SWAP_TRANSITIONS: dict[str, frozenset[str]] = {
    SwapStatus.PENDING: frozenset({SwapStatus.APPROVED, SwapStatus.REFUSED}),
    SwapStatus.APPROVED: frozenset(),
    SwapStatus.REFUSED: frozenset(),
}


class Swap(Stateful, PublicIdModel):
    """A specialist asks to hand something they hold (a session, an on-call duty) to a
    colleague; a manager decides. One status table for every kind (SWAP_TRANSITIONS)."""

    transitions = SWAP_TRANSITIONS

    requested_by = actor_fk()
    replacement = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("remplaçant"),
    )
    reason = models.CharField(_("motif"), max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=SwapStatus.choices, default=SwapStatus.PENDING)
    decided_by = optional_fk(settings.AUTH_USER_MODEL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    def record_decision(self, *, by, note: str) -> None:
        """Save the decision the caller has just set the status to: who, when, the note."""
        self.decided_by = by
        self.decided_at = timezone.now()
        self.decision_note = note.strip()[:300]
        self.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])


class SwapRequest(Swap):
    """A specialist asks to hand one of their sessions to a colleague; a manager decides."""

    session = models.ForeignKey(
        ConsultationSession, on_delete=models.CASCADE, related_name="swap_requests"
    )

    class Meta(Swap.Meta):
        verbose_name = _("demande d'échange")
        constraints = [
            models.UniqueConstraint(
                fields=["session"],
                condition=Q(status="pending"),
                name="swap_one_pending_per_session",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session_id} {self.status}"
