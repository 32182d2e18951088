"""Referrals and their lifecycle, events, messages, attachments; patients, intake and
immediate opinions are defined beside (re-exported here)."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ess.fields import PublicIdModel, actor_fk, optional_fk
from ess.stored_files import StoredFile
from ess.workflow import Stateful, StatusEvent, status_columns, status_field
from referrals.immediate_models import AcknowledgeMode, ImmediateAlert, ImmediateRequest
from referrals.intake_models import (
    RECORDED_CHANNELS,
    Channel,
    IdempotencyKey,
    PendingAttachment,
    ReferenceCounter,
    RequesterContact,
    pending_attachment_path,
)
from referrals.patient_models import IdentityDocument, IdentityStatus, InsOid, Patient, Sex

# Defined beside, for the patient's identity, intake and immediate opinions.
__all__ = [
    "RECORDED_CHANNELS",
    "AcknowledgeMode",
    "Channel",
    "IdempotencyKey",
    "IdentityDocument",
    "IdentityStatus",
    "ImmediateAlert",
    "ImmediateRequest",
    "InsOid",
    "Patient",
    "PendingAttachment",
    "ReferenceCounter",
    "RequesterContact",
    "Sex",
    "pending_attachment_path",  # named by a migration
]


# ---------------------------------------------------------------------------------------------
# Referral lifecycle
# ---------------------------------------------------------------------------------------------
class Status(models.TextChoices):
    # Sent without an account: held until the link emailed to its sender is followed. Invisible
    # to everyone (the default manager leaves it out) until then.
    AWAITING_CONFIRMATION = "unconfirmed", _("À confirmer")
    SUBMITTED = "submitted", _("Reçue")
    INFO_REQUESTED = "info_requested", _("Complément demandé")
    TRIAGED = "triaged", _("Régulée")
    ACCEPTED = "accepted", _("Prise en charge")
    SCHEDULED = "scheduled", _("Rendez-vous fixé")
    COMPLETED = "completed", _("Terminée")
    REORIENTED = "reoriented", _("Réorientée")
    CANCELLED = "cancelled", _("Annulée")


# Each status's label, looked up once: `get_status_display` hashes every choice's label (each a
# translation) on every call, which shows in a list of referrals.
STATUS_LABELS = dict(Status.choices)
# The statuses anyone may see or filter on (one awaiting confirmation is seen by nobody).
VISIBLE_STATUS_CHOICES = [(v, label) for v, label in Status.choices if v != "unconfirmed"]


# The only definition of what may follow what. A transition to the same status (re-triage,
# reschedule) is listed where it is allowed.
TRANSITIONS: dict[str, frozenset[str]] = {
    # Confirmed by its sender's email link (or purged unconfirmed: no transition, deleted).
    Status.AWAITING_CONFIRMATION: frozenset({Status.SUBMITTED}),
    Status.SUBMITTED: frozenset(
        {Status.TRIAGED, Status.INFO_REQUESTED, Status.REORIENTED, Status.CANCELLED}
    ),
    Status.INFO_REQUESTED: frozenset({Status.SUBMITTED, Status.REORIENTED, Status.CANCELLED}),
    Status.TRIAGED: frozenset(
        {
            Status.TRIAGED,
            Status.ACCEPTED,
            # Booked straight into an advanced-consultation session by the coordinator.
            Status.SCHEDULED,
            Status.INFO_REQUESTED,
            Status.REORIENTED,
            Status.CANCELLED,
        }
    ),
    Status.ACCEPTED: frozenset({Status.SCHEDULED, Status.COMPLETED, Status.TRIAGED}),
    # An appointment can be cancelled, declined (back to the queue) or reoriented: its place
    # (slot or advanced-consultation session) is freed.
    Status.SCHEDULED: frozenset(
        {
            Status.SCHEDULED,
            Status.COMPLETED,
            Status.TRIAGED,
            Status.REORIENTED,
            Status.CANCELLED,
        }
    ),
    Status.COMPLETED: frozenset(),
    Status.REORIENTED: frozenset(),
    Status.CANCELLED: frozenset(),
}
# Held by a specialist: accepted, with an appointment, or answered.
TAKEN_STATUSES = frozenset({Status.ACCEPTED, Status.SCHEDULED, Status.COMPLETED})
OPEN_STATUSES = frozenset(
    {Status.SUBMITTED, Status.INFO_REQUESTED, Status.TRIAGED, Status.ACCEPTED, Status.SCHEDULED}
)
CLOSED_STATUSES = frozenset(Status) - OPEN_STATUSES - {Status.AWAITING_CONFIRMATION}
# Open and waiting for an answer or appointment (the SLA clock runs), as a query condition.
WAITING = Q(status__in=OPEN_STATUSES - {Status.SCHEDULED}, answered_at__isnull=True)


# The coordinator's queue order: nearest due time first, then oldest (referrals.dashboard).
QUEUE_ORDER = (F("due_at").asc(nulls_last=True), F("submitted_at").asc(), F("id").asc())
# The columns the queue's views filter on (referrals.dashboard._view_conditions and filters).
QUEUE_FILTER_COLUMNS = [
    "status",
    "offered_to",
    "offered_to_pool",
    "immediate",
    "answered_at",
    "escalate_at",
    "info_received_at",
    "last_declined_at",
    "priority",
    "urgency_requested",
    "specialty",
    "specialist",
]


class Priority(models.TextChoices):
    P1 = "P1", _("P1 — urgent (24 h)")
    P2 = "P2", _("P2 — soins non programmés (48 h)")
    P3 = "P3", _("P3 — sous 7 jours")
    P4 = "P4", _("P4 — programmé (30 jours)")


# What the requester reads when choosing the urgency they ask for.
URGENCY_HELP = {
    Priority.P1: _("Urgent : réponse attendue dans les 24 heures"),
    Priority.P2: _("Rapide : dans les 48 heures"),
    Priority.P3: _("Dans la semaine"),
    Priority.P4: _("Programmé : dans le mois"),
}


def priority_delay(priority: str) -> timedelta:
    return timedelta(hours=settings.ESS_PRIORITY_DELAYS_HOURS[priority])


class ResponseMode(models.TextChoices):
    TELEEXPERTISE_ASYNC = "teleexpertise_async", _("Télé-expertise asynchrone")
    TELEEXPERTISE_SYNC = "teleexpertise_sync", _("Télé-expertise synchrone")
    TELECONSULTATION = "teleconsultation", _("Téléconsultation assistée")
    URGENT_CONSULTATION = "urgent_consultation", _("Consultation urgente")
    ADVANCED_CONSULTATION = "advanced_consultation", _("Consultation avancée")
    HOSPITAL_ORIENTATION = "hospital_orientation", _("Orientation hospitalière")


TELEEXPERTISE_MODES = frozenset({ResponseMode.TELEEXPERTISE_ASYNC, ResponseMode.TELEEXPERTISE_SYNC})
# Modes in which the patient meets the specialist (in person or by video): an appointment is
# booked, and the specialist can check an identity document.
CONSULTATION_MODES = frozenset(
    {
        ResponseMode.TELECONSULTATION,
        ResponseMode.URGENT_CONSULTATION,
        ResponseMode.ADVANCED_CONSULTATION,
    }
)


class PreferredResponse(models.TextChoices):
    OPINION = "opinion", _("Un avis (télé-expertise)")
    CONSULTATION = "consultation", _("Une consultation")
    NO_PREFERENCE = "no_preference", _("Pas de préférence")


class ReferralManager(models.Manager):
    """Leaves out requests still awaiting their sender's confirmation: no queue, list,
    dashboard, indicator or API ever sees them. `Referral.all_objects` reaches them (the
    confirmation and the purge only)."""

    def get_queryset(self):
        return super().get_queryset().exclude(status=Status.AWAITING_CONFIRMATION)


class Referral(Stateful, PublicIdModel):
    transitions = TRANSITIONS

    reference = models.CharField(_("référence"), max_length=20, unique=True)
    # Indexed by `referral_by_patient` (Meta.indexes), which starts with the patient.
    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, related_name="referrals", db_index=False
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referrals_requested"
    )
    requester_organisation = optional_fk("members.Organisation", related_name="referrals")
    # Sent on behalf of the patient's GP (CPTS/DAC coordinator, nurse): that GP is kept informed.
    referring_gp = optional_fk(settings.AUTH_USER_MODEL, related_name="referrals_as_gp")
    referring_gp_name = models.CharField(_("médecin traitant informé"), max_length=150, blank=True)
    specialty = models.ForeignKey("ess.Specialty", on_delete=models.PROTECT, related_name="+")
    question = models.TextField(_("question clinique"))
    context = models.TextField(_("contexte"), blank=True)
    urgency_requested = models.CharField(
        _("urgence demandée"), max_length=2, choices=Priority.choices
    )
    preferred_response = models.CharField(
        _("réponse souhaitée"),
        max_length=15,
        choices=PreferredResponse.choices,
        default=PreferredResponse.NO_PREFERENCE,
    )
    consent = models.BooleanField(_("patient informé et d'accord"))
    callback_availability = models.CharField(
        _("disponibilités pour être rappelé"), max_length=200, blank=True
    )
    channel = models.CharField(
        _("canal de réception"), max_length=20, choices=Channel.choices, default=Channel.WEB
    )
    # Asked of the specialist on call, triage skipped (referrals.immediate_models).
    immediate = models.BooleanField(_("avis immédiat"), default=False)
    # The coordinator who recorded a request received by phone, fax or mail.
    recorded_by = optional_fk(settings.AUTH_USER_MODEL, related_name="+")
    # Identity traits as typed when they disagreed with the known patient (INS already on file).
    identity_conflict = models.JSONField(_("traits d'identité divergents"), null=True, blank=True)

    status = status_field(Status, default=Status.SUBMITTED)
    priority = models.CharField(_("priorité"), max_length=2, choices=Priority.choices, blank=True)
    response_mode = models.CharField(
        _("mode de réponse"), max_length=30, choices=ResponseMode.choices, blank=True
    )
    due_at = models.DateTimeField(_("échéance"), null=True, blank=True)
    offered_to = optional_fk(settings.AUTH_USER_MODEL, related_name="referrals_offered")
    offered_to_pool = models.BooleanField(
        _("proposée aux spécialistes de la spécialité"), default=False
    )
    specialist = optional_fk(settings.AUTH_USER_MODEL, related_name="referrals_held")
    # The offer the case was taken from (the offer itself is cleared then): a specialist it was
    # offered to who tries to accept too late is told a colleague took it (409), not that the
    # case does not exist (404).
    taken_from_offer_to = optional_fk(settings.AUTH_USER_MODEL, related_name="+")
    taken_from_pool = models.BooleanField(default=False)
    last_declined_at = models.DateTimeField(null=True, blank=True)
    # SLA escalation: when 75 % of the allowed time is used, and the thresholds already escalated
    # (0, 75, 100): each threshold is escalated to coordinators once.
    escalate_at = models.DateTimeField(null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(default=0)
    # The requester answered an information request: shown to coordinators until triaged again.
    info_received_at = models.DateTimeField(null=True, blank=True)

    appointment_at = models.DateTimeField(_("rendez-vous"), null=True, blank=True)
    appointment_location = models.CharField(_("lieu"), max_length=200, blank=True)
    answer = models.TextField(_("réponse"), blank=True)
    recommended_actions = models.TextField(_("conduite à tenir"), blank=True)
    consultation_needed = models.BooleanField(null=True, blank=True)
    reorient_target = models.CharField(_("réorientée vers"), max_length=200, blank=True)
    closing_reason = models.TextField(_("motif"), blank=True)
    # Close-out feedback from the requester.
    feedback_useful = models.BooleanField(null=True, blank=True)
    feedback_avoided_visit = models.BooleanField(null=True, blank=True)

    submitted_at = models.DateTimeField(_("reçue le"), default=timezone.now)
    triaged_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    # First answer to the requester (an opinion, or the final answer): the SLA clock stops here.
    answered_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReferralManager()
    all_objects = models.Manager()

    class Meta:
        verbose_name = _("demande")
        ordering = ["-submitted_at"]
        # Related lookups (an attachment's referral) and deletions see every row.
        base_manager_name = "all_objects"
        constraints = [
            models.CheckConstraint(condition=Q(consent=True), name="referral_requires_consent"),
            models.CheckConstraint(
                condition=Q(specialist__isnull=False)
                | ~Q(status__in=[Status.ACCEPTED, Status.SCHEDULED, Status.COMPLETED]),
                name="referral_taken_has_specialist",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_at"], name="referral_queue"),
            models.Index(fields=["requester", "-submitted_at"], name="referral_by_requester"),
            models.Index(
                fields=["requester_organisation", "-submitted_at"], name="referral_by_org"
            ),
            models.Index(fields=["specialist", "status"], name="referral_by_specialist"),
            models.Index(fields=["offered_to", "status"], name="referral_by_offer"),
            models.Index(fields=["specialty", "status"], name="referral_by_specialty"),
            models.Index(fields=["-submitted_at"], name="referral_submitted"),
            models.Index(
                fields=["specialist", "-completed_at"],
                name="referral_done_by_specialist",
                condition=Q(status="completed"),
            ),
            # The télé-expertise acts of a period, all specialists together (the paid time of a
            # quarter or a year), read from the index alone. Only those: a specialist's own
            # completed cases are read from referral_done_by_specialist.
            models.Index(
                fields=["completed_at"],
                name="referral_teleexpertise_done",
                condition=Q(status="completed", response_mode__in=sorted(TELEEXPERTISE_MODES)),
                include=["specialist"],
            ),
            models.Index(
                fields=["escalate_at"],
                name="referral_escalation",
                condition=Q(escalation_level__lt=100),
            ),
            # The coordinator's queue (referrals.dashboard): open referrals in the queue's order,
            # with every column its views filter on, so that its counts and pages read open
            # referrals only, from the index alone, however long the history.
            models.Index(
                *QUEUE_ORDER,
                name="referral_open_queue",
                condition=Q(status__in=sorted(s.value for s in OPEN_STATUSES)),
                include=QUEUE_FILTER_COLUMNS,
            ),
            # Its "Toutes" view: every referral in the same order (a deep page reads that many
            # index entries, not the whole table sorted).
            models.Index(
                *QUEUE_ORDER,
                name="referral_all_by_due",
                include=["status", "priority", "urgency_requested", "specialty"],
            ),
            # A patient's referrals (the search by name), in the queue's order.
            models.Index(
                fields=["patient", "due_at", "submitted_at", "id"],
                name="referral_by_patient",
                include=["status"],
            ),
            # Lists read each visibility branch in order, newest first (referrals.pages): with a
            # status ("Mes demandes" filtered, or what waits for the requester first), as GP
            # kept informed, for the organisation, as the specialist holding the case.
            models.Index(
                fields=["requester", "status", "-submitted_at"], name="referral_requester_status"
            ),
            models.Index(
                fields=["referring_gp", "-submitted_at"],
                name="referral_by_gp",
                condition=Q(referring_gp__isnull=False),
            ),
            models.Index(
                fields=["referring_gp", "status", "-submitted_at"],
                name="referral_gp_status",
                condition=Q(referring_gp__isnull=False),
            ),
            models.Index(
                fields=["requester_organisation", "status", "-submitted_at"],
                name="referral_org_status",
                condition=Q(requester_organisation__isnull=False),
            ),
            models.Index(
                fields=["specialist", "-submitted_at"],
                name="referral_held_by",
                condition=Q(specialist__isnull=False),
            ),
            # The specialist's inbox: offers by name and to the specialty's pool, in its order.
            models.Index(
                fields=["offered_to", "-immediate", "due_at"],
                name="referral_offered_to",
                condition=Q(status="triaged"),
            ),
            models.Index(
                fields=["specialty", "-immediate", "due_at"],
                name="referral_pool_offers",
                condition=Q(status="triaged", offered_to_pool=True),
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def sla_fraction(self) -> float | None:
        """Share of the allowed time already used (1.0 = due now), for open, triaged cases."""
        if not self.due_at or not self.is_open or not self.triaged_at:
            return None
        total = (self.due_at - self.triaged_at).total_seconds()
        used = (timezone.now() - self.triaged_at).total_seconds()
        return used / total if total > 0 else 1.0

    @property
    def is_waiting(self) -> bool:
        """Open and still waiting for its answer or appointment: the SLA clock runs."""
        return self.is_open and self.answered_at is None and self.status != Status.SCHEDULED

    @property
    def is_consultation(self) -> bool:
        """The patient is to be seen: the mode chosen at triage is a consultation, or, before
        triage, the requester did not ask for an opinion only."""
        if self.response_mode:
            return self.response_mode in CONSULTATION_MODES
        return self.preferred_response != PreferredResponse.OPINION

    @property
    def effective_priority(self) -> str:
        """Set at triage, else asked for (in a query: referrals.deadlines)."""
        return self.priority or self.urgency_requested

    @property
    def status_label(self) -> str:
        """`get_status_display`, faster."""
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def is_overdue(self) -> bool:
        return bool(self.due_at and self.is_waiting and self.due_at < timezone.now())


class EventKind(models.TextChoices):
    TRANSITION = "transition", _("Changement de statut")
    DECLINE = "decline", _("Refus du spécialiste")
    ANSWER = "answer", _("Avis rendu, consultation à fixer")
    NOTE = "note", _("Note interne")
    IDENTITY = "identity", _("Identité")
    # A case meeting's (télé-RCP) decision on the case, shown to the requester too.
    RCP_DECISION = "rcp_decision", _("Décision de télé-RCP")


class ReferralEvent(StatusEvent):
    subject_field = "referral"

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=EventKind.choices, default=EventKind.TRANSITION)
    from_status, to_status = status_columns(Status)
    # Internal events (notes, declines) are for the ESS team only, never the requester.
    internal = models.BooleanField(default=False)

    class Meta(StatusEvent.Meta):
        indexes = [models.Index(fields=["referral", "at"], name="event_timeline")]


class Message(PublicIdModel):
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="messages")
    author = actor_fk()
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["referral", "created_at"], name="message_thread")]

    def __str__(self) -> str:
        return f"{self.referral_id} {self.created_at:%Y-%m-%d %H:%M}"


def attachment_path(instance, filename: str) -> str:
    # Never the uploaded name: the original is kept in the row, the path is opaque.
    return f"referrals/{instance.referral.public_id}/{instance.public_id}"


class Attachment(StoredFile):
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="attachments")
    message = optional_fk(Message, on_delete=models.CASCADE, related_name="attachments")
    uploaded_by = actor_fk()
    file = models.FileField(upload_to=attachment_path, max_length=200)
    # A report attached by the specialist with the answer (shown as "the answer" to the requester).
    is_report = models.BooleanField(default=False)

    class Meta:
        ordering = ["created_at", "pk"]


class TeleexpertiseAct(models.Model):
    """Billing information for a télé-expertise: who asked, who answered, when, which codes."""

    referral = models.OneToOneField(Referral, on_delete=models.CASCADE, related_name="act")
    requesting = actor_fk()
    answering = actor_fk()
    performed_on = models.DateField()
    requesting_code = models.CharField(max_length=10)
    answering_code = models.CharField(max_length=10)

    def __str__(self) -> str:
        return f"{self.answering_code} {self.performed_on}"
