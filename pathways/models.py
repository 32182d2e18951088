"""Care pathways: a patient's plan across actors (the GP at the centre, specialists, IPA/IDE under
a protocol, a DAC or CPTS coordinator), with its referrals, its delegated tasks and the alerts
their results raise, on one timeline."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ess.fields import PublicIdModel, actor_fk, optional_fk
from ess.model_bases import Timestamped, Titled
from ess.workflow import Stateful, StatusEvent, status_columns, status_field
from partners.models import ProtocolTaskKind


class PathwayStatus(models.TextChoices):
    ACTIVE = "active", _("Actif")
    PAUSED = "paused", _("En pause")
    CLOSED = "closed", _("Clos")


# The only definition of what may follow what. Closing needs a reason; a closed pathway stays
# closed (a new episode opens a new pathway).
PATHWAY_TRANSITIONS: dict[str, frozenset[str]] = {
    PathwayStatus.ACTIVE: frozenset({PathwayStatus.PAUSED, PathwayStatus.CLOSED}),
    PathwayStatus.PAUSED: frozenset({PathwayStatus.ACTIVE, PathwayStatus.CLOSED}),
    PathwayStatus.CLOSED: frozenset(),
}


class Pathway(Stateful, Titled, Timestamped, PublicIdModel):
    transitions = PATHWAY_TRANSITIONS

    patient = models.ForeignKey(
        "referrals.Patient", on_delete=models.PROTECT, related_name="pathways"
    )
    protocol = optional_fk("partners.Protocol", _("protocole"), related_name="pathways")
    # The referral whose answer opened it, if any; every referral of the pathway is in
    # `referrals` (that one included).
    origin = optional_fk(
        "referrals.Referral",
        _("demande d'origine"),
        on_delete=models.SET_NULL,
        related_name="pathways_opened",
    )
    referrals = models.ManyToManyField(
        "referrals.Referral", related_name="pathways", blank=True, verbose_name=_("demandes")
    )
    status = status_field(PathwayStatus, default=PathwayStatus.ACTIVE, max_length=10)
    close_reason = models.TextField(_("motif de clôture"), blank=True)
    # Day zero of the protocol's plan: task due dates count from it.
    started_on = models.DateField(_("début"), default=timezone.localdate)
    opened_by = actor_fk()
    # The opening form's hidden key: the same form sent again (Back, a double click) finds
    # the pathway it opened instead of opening a second one.
    submission_key = models.CharField(
        max_length=64, null=True, blank=True, unique=True, editable=False
    )

    class Meta:
        verbose_name = _("parcours")
        verbose_name_plural = _("parcours")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=PathwayStatus.CLOSED) | ~Q(close_reason=""),
                name="pathway_closed_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="pathway_by_status"),
            models.Index(fields=["patient", "status"], name="pathway_by_patient"),
        ]


class PathwayEvent(StatusEvent):
    """The pathway's history: every change of status, with its note (a closing reason)."""

    subject_field = "pathway"

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="events")
    from_status, to_status = status_columns(PathwayStatus)

    class Meta(StatusEvent.Meta):
        indexes = [models.Index(fields=["pathway", "at"], name="pathway_event_timeline")]


class CircleRole(models.TextChoices):
    GP = "gp", _("Médecin traitant")
    SPECIALIST = "specialist", _("Spécialiste")
    DELEGATE = "delegate", _("Professionnel délégué (IPA, IDE)")
    COORDINATOR = "coordinator", _("Coordination (DAC, CPTS)")
    OTHER = "other", _("Autre professionnel")


class CircleMember(models.Model):
    """One person of the pathway's care circle: they see the pathway, and only they (and the
    ESS's coordinators) do."""

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="circle")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="care_circles"
    )
    role = models.CharField(_("rôle"), max_length=12, choices=CircleRole.choices)
    added_at = models.DateTimeField(default=timezone.now)
    added_by = optional_fk(settings.AUTH_USER_MODEL, related_name="+")

    class Meta:
        verbose_name = _("membre du cercle de soins")
        verbose_name_plural = _("cercle de soins")
        ordering = ["pathway", "added_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["pathway", "user"], name="circle_member_once"),
        ]
        indexes = [models.Index(fields=["user", "pathway"], name="circle_by_user")]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class TaskStatus(models.TextChoices):
    TODO = "todo", _("À faire")
    DONE = "done", _("Faite")
    CANCELLED = "cancelled", _("Annulée")


TASK_TRANSITIONS: dict[str, frozenset[str]] = {
    TaskStatus.TODO: frozenset({TaskStatus.DONE, TaskStatus.CANCELLED}),
    TaskStatus.DONE: frozenset(),
    TaskStatus.CANCELLED: frozenset(),
}


class PathwayTask(Stateful, PublicIdModel):
    """A delegated task, generated from the protocol's template (or added by hand), assigned to
    one professional and due on a day; done, it records its result, flagged when out of range."""

    transitions = TASK_TRANSITIONS

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="tasks")
    template = optional_fk(
        "partners.ProtocolTaskTemplate", on_delete=models.SET_NULL, related_name="tasks"
    )
    label = models.CharField(_("tâche"), max_length=150)
    kind = models.CharField(
        _("nature"), max_length=10, choices=ProtocolTaskKind.choices, default=ProtocolTaskKind.OTHER
    )
    instructions = models.TextField(_("consignes"), blank=True)
    due_on = models.DateField(_("échéance"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="pathway_tasks",
        verbose_name=_("confiée à"),
    )
    status = status_field(TaskStatus, default=TaskStatus.TODO, max_length=10)
    result = models.TextField(_("résultat"), blank=True)
    out_of_range = models.BooleanField(_("hors des valeurs attendues"), default=False)
    done_at = models.DateTimeField(_("faite le"), null=True, blank=True)
    done_by = optional_fk(settings.AUTH_USER_MODEL, related_name="+")
    # A late task reminds its owner once, then the coordinators once (the outbox delivers).
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("tâche déléguée")
        verbose_name_plural = _("tâches déléguées")
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=TaskStatus.DONE) | Q(done_at__isnull=False),
                name="pathway_task_done_has_time",
            ),
            models.CheckConstraint(
                condition=Q(out_of_range=False) | Q(status=TaskStatus.DONE),
                name="pathway_task_flag_when_done",
            ),
        ]
        indexes = [
            # The worklist: an assignee's open tasks by due date.
            models.Index(
                fields=["assignee", "due_on"],
                name="pathway_task_worklist",
                condition=Q(status="todo"),
            ),
            # The late-task sweep.
            models.Index(fields=["due_on"], name="pathway_task_due", condition=Q(status="todo")),
            models.Index(fields=["pathway", "due_on"], name="pathway_task_by_pathway"),
        ]

    def __str__(self) -> str:
        return self.label

    def is_late(self, today=None) -> bool:
        return self.status == TaskStatus.TODO and self.due_on < (today or timezone.localdate())


class PathwayAlert(PublicIdModel):
    """A result out of range: the delegating doctor is alerted and answers in the pathway."""

    task = models.OneToOneField(PathwayTask, on_delete=models.CASCADE, related_name="alert")
    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="alerts")
    doctor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="pathway_alerts",
        verbose_name=_("médecin alerté"),
    )
    raised_at = models.DateTimeField(default=timezone.now)
    answer = models.TextField(_("réponse du médecin"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = optional_fk(settings.AUTH_USER_MODEL, related_name="+")

    class Meta:
        verbose_name = _("alerte")
        ordering = ["-raised_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | ~Q(answer=""),
                name="pathway_alert_answer_has_text",
            ),
        ]
        indexes = [
            models.Index(
                fields=["doctor", "raised_at"],
                name="pathway_alert_open",
                condition=Q(answered_at__isnull=True),
            ),
            models.Index(fields=["raised_at"], name="pathway_alert_raised"),
        ]

    def __str__(self) -> str:
        return f"{self.pathway} — {self.task}"


class NoteKind(models.TextChoices):
    NOTE = "note", _("Note")
    RCP_DECISION = "rcp_decision", _("Décision de télé-RCP")


class PathwayNote(PublicIdModel):
    """A line written into the pathway's timeline: a member's note, or a case meeting's
    decision."""

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="notes")
    author = optional_fk(settings.AUTH_USER_MODEL, related_name="+")
    kind = models.CharField(max_length=15, choices=NoteKind.choices, default=NoteKind.NOTE)
    text = models.TextField(_("texte"))
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("note de parcours")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["pathway", "at"], name="pathway_note_timeline")]

    def __str__(self) -> str:
        return self.text[:50]
