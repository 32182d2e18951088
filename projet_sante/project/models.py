"""The health-project document (projet de santé): versions, sections, missions and actions,
comments by the authorities, annexes, history.

A version is edited by managers while a draft (or sent back for revision), submitted to the
ARS/CPAM, then validated (frozen for good) or sent back.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ess.fields import PublicIdModel, actor_fk, optional_fk
from ess.model_bases import Timestamped, Titled
from ess.roles import Institution
from ess.stored_files import StoredFile
from ess.workflow import Stateful, StatusEvent, status_field


class SectionKey(models.TextChoices):
    """The sections of the document, in their order of appearance."""

    DIAGNOSTIC = "diagnostic", _("Diagnostic territorial")
    MISSIONS = "missions", _("Missions")
    ACTIONS = "actions", _("Actions")
    GOVERNANCE = "governance", _("Organisation et gouvernance")
    INFORMATION_SYSTEM = "information_system", _("Système d'information")
    PARTNERSHIPS = "partnerships", _("Partenariats")
    EVALUATION = "evaluation", _("Évaluation")


SECTION_ORDER = {key: position for position, key in enumerate(SectionKey.values)}


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    SUBMITTED = "submitted", _("Soumise à l'ARS et à la CPAM")
    REVISION_REQUESTED = "revision_requested", _("Révision demandée")
    VALIDATED = "validated", _("Validée")


# The only definition of what may follow what.
VERSION_TRANSITIONS: dict[str, frozenset[str]] = {
    VersionStatus.DRAFT: frozenset({VersionStatus.SUBMITTED}),
    VersionStatus.SUBMITTED: frozenset({VersionStatus.VALIDATED, VersionStatus.REVISION_REQUESTED}),
    VersionStatus.REVISION_REQUESTED: frozenset({VersionStatus.SUBMITTED}),
    VersionStatus.VALIDATED: frozenset(),
}
# Managers edit the content only in these statuses.
EDITABLE_STATUSES = frozenset({VersionStatus.DRAFT, VersionStatus.REVISION_REQUESTED})
# A version not validated yet: at most one at a time (a database constraint says so).
OPEN_STATUSES = frozenset(
    {VersionStatus.DRAFT, VersionStatus.SUBMITTED, VersionStatus.REVISION_REQUESTED}
)


class ProjectVersion(Stateful, Timestamped, PublicIdModel):
    """One version of the health project (v1, v2…). Validated: frozen (services refuse edits,
    and on PostgreSQL a trigger refuses any change to it and its content)."""

    transitions = VERSION_TRANSITIONS

    number = models.PositiveSmallIntegerField(_("version"), unique=True)
    status = status_field(VersionStatus, default=VersionStatus.DRAFT)
    based_on = optional_fk("self", related_name="+")
    # Constant for every row: the target of the "one open version" partial unique constraint.
    open_marker = models.BooleanField(default=True, editable=False)
    created_by = actor_fk(null=True)
    submitted_at = models.DateTimeField(_("soumise le"), null=True, blank=True)
    submitted_by = optional_fk(settings.AUTH_USER_MODEL, related_name="+")
    validated_at = models.DateTimeField(_("validée le"), null=True, blank=True)
    validated_by = optional_fk(settings.AUTH_USER_MODEL, related_name="+")
    revision_reason = models.TextField(_("motif de la demande de révision"), blank=True)

    class Meta:
        verbose_name = _("version du projet de santé")
        verbose_name_plural = _("versions du projet de santé")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["open_marker"],
                condition=Q(status__in=sorted(OPEN_STATUSES)),
                name="projectversion_one_open",
            ),
            models.CheckConstraint(
                condition=~Q(status="validated")
                | Q(validated_at__isnull=False, validated_by__isnull=False),
                name="projectversion_validated_has_who_when",
            ),
            models.CheckConstraint(
                condition=~Q(status="revision_requested") | ~Q(revision_reason=""),
                name="projectversion_revision_has_reason",
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="projectversion_number_1"),
        ]

    def __str__(self) -> str:
        return f"v{self.number}"

    @property
    def label(self) -> str:
        return f"v{self.number}"

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def is_frozen(self) -> bool:
        return self.status == VersionStatus.VALIDATED


class ProjectSection(models.Model):
    """The text of one section in one version, authored in Markdown (rendered sanitised)."""

    version = models.ForeignKey(ProjectVersion, on_delete=models.CASCADE, related_name="sections")
    key = models.CharField(_("section"), max_length=30, choices=SectionKey.choices)
    position = models.PositiveSmallIntegerField(default=0)
    body = models.TextField(_("texte"), blank=True)
    # Bumped at each save: an edit form carries the revision it was shown with (stale forms).
    revision = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = optional_fk(settings.AUTH_USER_MODEL, related_name="+")

    class Meta:
        verbose_name = _("section du projet de santé")
        verbose_name_plural = _("sections du projet de santé")
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="projectsection_once"),
        ]

    def __str__(self) -> str:
        return f"{self.version_id} {self.key}"


class MissionKind(models.TextChoices):
    CORE_1 = "core_1", _("Mission socle 1 : avis spécialisés pour le premier recours")
    CORE_2 = "core_2", _("Mission socle 2 : accès aux soins spécialisés du territoire")
    OTHER = "other", _("Autre mission")


class Mission(Titled, PublicIdModel):
    version = models.ForeignKey(ProjectVersion, on_delete=models.CASCADE, related_name="missions")
    kind = models.CharField(_("type"), max_length=10, choices=MissionKind.choices)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("mission")
        ordering = ["kind", "position", "pk"]


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Prévue")
    IN_PROGRESS = "in_progress", _("En cours")
    DONE = "done", _("Réalisée")
    ABANDONED = "abandoned", _("Abandonnée")


class Action(Titled, PublicIdModel):
    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="actions")
    owner = optional_fk(settings.AUTH_USER_MODEL, _("pilote (membre)"), related_name="+")
    owner_name = models.CharField(_("pilote (autre)"), max_length=150, blank=True)
    target_date = models.DateField(_("échéance"), null=True, blank=True)
    status = models.CharField(
        _("état"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    progress = models.PositiveSmallIntegerField(_("avancement (%)"), default=0)
    # Codes of the indicators that measure the action (a JSON list of strings: works on SQLite).
    indicator_codes = models.JSONField(_("indicateurs"), default=list, blank=True)
    # The public-health campaigns that carry the action out (their counts show in the PDF).
    campaigns = models.ManyToManyField(
        "events.Campaign",
        blank=True,
        related_name="project_actions",
        verbose_name=_("campagnes de santé publique"),
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("action")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=0, progress__lte=100), name="action_progress_0_100"
            ),
        ]

    @property
    def owner_label(self) -> str:
        if self.owner_id:
            return self.owner.display_name
        return self.owner_name


class ProjectComment(models.Model):
    """An authority user's (or a manager's answer) remark on a section, or on the whole version
    (section empty)."""

    version = models.ForeignKey(ProjectVersion, on_delete=models.CASCADE, related_name="comments")
    section = models.CharField(_("section"), max_length=30, choices=SectionKey.choices, blank=True)
    author = actor_fk()
    body = models.TextField(_("commentaire"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("commentaire sur le projet de santé")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.version_id} {self.section or '-'}"


def annex_path(instance, filename: str) -> str:
    # Opaque: the uploaded name is kept in the row only.
    return f"projet-sante/{instance.public_id}"


class ProjectAnnex(Titled, StoredFile):
    """A file attached to a version. A new draft copies the row and shares the stored file."""

    version = models.ForeignKey(ProjectVersion, on_delete=models.CASCADE, related_name="annexes")
    file = models.FileField(upload_to=annex_path, max_length=200)
    uploaded_by = actor_fk(null=True)

    class Meta:
        verbose_name = _("annexe du projet de santé")
        verbose_name_plural = _("annexes du projet de santé")
        ordering = ["created_at", "pk"]


class VersionSignature(models.Model):
    """One institution's signature of a submitted version (ARS, CPAM): who signed for it and
    when. The version is validated once every signing institution has signed; a revision
    request clears the round's signatures."""

    version = models.ForeignKey(ProjectVersion, on_delete=models.CASCADE, related_name="signatures")
    institution = models.CharField(_("institution"), max_length=10, choices=Institution.choices)
    signed_by = actor_fk()
    signed_at = models.DateTimeField(_("signée le"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("signature du projet de santé")
        verbose_name_plural = _("signatures du projet de santé")
        ordering = ["signed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "institution"], name="versionsignature_once_per_institution"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version_id} {self.institution}"


class VersionEvent(StatusEvent):
    """The history of a version: who moved it from what to what, when, with which note."""

    subject_field = "version"

    version = models.ForeignKey(ProjectVersion, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=20, choices=VersionStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=VersionStatus.choices)

    class Meta(StatusEvent.Meta):
        pass
