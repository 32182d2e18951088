"""The health project's public face: the quarterly information letter and its audience.

A newsletter is drafted by beat for the quarter just ended (figures computed by the database,
frozen in `figures`), edited by a manager, then sent: the audience is snapshotted as one
`NewsletterDelivery` row per address, and a task sends them in batches, each row claimed
before its email leaves so that a crashed worker resumes without sending twice.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NewsletterStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    SENDING = "sending", _("Envoi en cours")
    SENT = "sent", _("Envoyée")


# The only definition of what may follow what.
NEWSLETTER_TRANSITIONS: dict[str, frozenset[str]] = {
    NewsletterStatus.DRAFT: frozenset({NewsletterStatus.SENDING}),
    NewsletterStatus.SENDING: frozenset({NewsletterStatus.SENT}),
    NewsletterStatus.SENT: frozenset(),
}


class Newsletter(models.Model):
    """One letter per quarter (unique): the beat task may run as often as it likes."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    year = models.PositiveSmallIntegerField(_("année"))
    quarter = models.PositiveSmallIntegerField(_("trimestre"))
    status = models.CharField(
        _("statut"),
        max_length=10,
        choices=NewsletterStatus.choices,
        default=NewsletterStatus.DRAFT,
    )
    # Key figures of the quarter as computed when drafted: {"requests_received": 12, ...}.
    # A JSON dict so that partners and advanced consultations can be added without a migration.
    figures = models.JSONField(_("chiffres clés"), default=dict, blank=True)
    figures_at = models.DateTimeField(_("chiffres calculés le"), default=timezone.now)
    # Sections written by a manager: plain text, escaped when rendered.
    progress = models.TextField(_("avancement du projet de santé"), blank=True)
    news = models.TextField(_("actualités"), blank=True)
    events = models.TextField(_("agenda"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Absolute links in emails sent by a worker (no request there): taken from the send request.
    base_url = models.URLField(blank=True)
    sending_started_at = models.DateTimeField(null=True, blank=True)
    # Each batch touches it: the sweep resumes a letter whose batches stopped coming.
    last_batch_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("envoyée le"), null=True, blank=True)
    recipients_total = models.PositiveIntegerField(_("destinataires"), default=0)

    class Meta:
        verbose_name = _("lettre d'information")
        verbose_name_plural = _("lettres d'information")
        ordering = ["-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(fields=["year", "quarter"], name="newsletter_one_per_quarter"),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="newsletter_quarter_1_4"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(sending_started_at__isnull=False),
                name="newsletter_sending_has_start",
            ),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="newsletter_sent_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.period_label

    @property
    def period(self) -> str:
        return f"{self.year}-T{self.quarter}"

    @property
    def period_label(self) -> str:
        ordinal = _("1er") if self.quarter == 1 else _("%(n)se") % {"n": self.quarter}
        return _("%(ordinal)s trimestre %(year)s") % {"ordinal": ordinal, "year": self.year}

    def can_become(self, status: str) -> bool:
        return status in NEWSLETTER_TRANSITIONS[self.status]


class Audience(models.TextChoices):
    MEMBER = "member", _("Membre de l'ESS")
    PARTNER = "partner", _("Contact d'un partenaire")
    SUBSCRIBER = "subscriber", _("Abonné·e")


class NewsletterDelivery(models.Model):
    """One recipient of one letter: the audience snapshot taken when sending began."""

    newsletter = models.ForeignKey(Newsletter, on_delete=models.CASCADE, related_name="deliveries")
    email = models.EmailField(_("destinataire"))
    audience = models.CharField(_("public"), max_length=10, choices=Audience.choices)
    # Set when a worker claims the row; a claim older than the lease can be taken again.
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Unsubscribed between the snapshot and its batch: never sent.
    skipped_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("envoi de lettre")
        verbose_name_plural = _("envois de lettre")
        constraints = [
            models.UniqueConstraint(
                fields=["newsletter", "email"], name="newsletterdelivery_once_per_address"
            ),
            models.CheckConstraint(
                condition=Q(sent_at=None) | Q(skipped_at=None),
                name="newsletterdelivery_sent_or_skipped",
            ),
        ]
        indexes = [
            models.Index(
                fields=["newsletter", "id"],
                name="newsletterdelivery_pending",
                condition=Q(sent_at=None, skipped_at=None),
            )
        ]

    def __str__(self) -> str:
        return f"{self.newsletter_id} → {self.email}"


class Subscriber(models.Model):
    """A territory professional who asked for the letter (double opt-in: confirmed by a link)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(_("adresse électronique"), unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("abonné·e")
        verbose_name_plural = _("abonné·e·s")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email


class Unsubscription(models.Model):
    """An address that asked to stop receiving the letter: excluded from every later send,
    members included, until it subscribes again (and confirms)."""

    email = models.EmailField(_("adresse électronique"), unique=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("désinscription")
        verbose_name_plural = _("désinscriptions")

    def __str__(self) -> str:
        return self.email


# =============================================================================================
# The health-project document (projet de santé): versions, sections, missions and actions,
# comments by the authorities, annexes. A version is edited by managers while a draft (or sent
# back for revision), submitted to the ARS/CPAM, then validated (frozen for good) or sent back.
# =============================================================================================
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


class ProjectVersion(models.Model):
    """One version of the health project (v1, v2…). Validated: frozen (services refuse edits,
    and on PostgreSQL a trigger refuses any change to it and its content)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.PositiveSmallIntegerField(_("version"), unique=True)
    status = models.CharField(
        _("statut"), max_length=20, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    based_on = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Constant for every row: the target of the "one open version" partial unique constraint.
    open_marker = models.BooleanField(default=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(_("soumise le"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    validated_at = models.DateTimeField(_("validée le"), null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
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

    def can_become(self, status: str) -> bool:
        return status in VERSION_TRANSITIONS[self.status]

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
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

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


class Mission(models.Model):
    version = models.ForeignKey(ProjectVersion, on_delete=models.CASCADE, related_name="missions")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("type"), max_length=10, choices=MissionKind.choices)
    title = models.CharField(_("intitulé"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("mission")
        ordering = ["kind", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Prévue")
    IN_PROGRESS = "in_progress", _("En cours")
    DONE = "done", _("Réalisée")
    ABANDONED = "abandoned", _("Abandonnée")


class Action(models.Model):
    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="actions")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("intitulé"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("pilote (membre)"),
    )
    owner_name = models.CharField(_("pilote (autre)"), max_length=150, blank=True)
    target_date = models.DateField(_("échéance"), null=True, blank=True)
    status = models.CharField(
        _("état"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    progress = models.PositiveSmallIntegerField(_("avancement (%)"), default=0)
    # Codes of the indicators that measure the action (a JSON list of strings: works on SQLite).
    indicator_codes = models.JSONField(_("indicateurs"), default=list, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("action")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=0, progress__lte=100), name="action_progress_0_100"
            ),
        ]

    def __str__(self) -> str:
        return self.title

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
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
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


class ProjectAnnex(models.Model):
    """A file attached to a version. A new draft copies the row and shares the stored file."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    version = models.ForeignKey(ProjectVersion, on_delete=models.CASCADE, related_name="annexes")
    title = models.CharField(_("intitulé"), max_length=200)
    file = models.FileField(upload_to=annex_path, max_length=200)
    original_name = models.CharField(_("nom du fichier"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("annexe du projet de santé")
        verbose_name_plural = _("annexes du projet de santé")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.title


class VersionEvent(models.Model):
    """The history of a version: who moved it from what to what, when, with which note."""

    version = models.ForeignKey(ProjectVersion, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    from_status = models.CharField(max_length=20, choices=VersionStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=VersionStatus.choices)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.version_id} {self.from_status}→{self.to_status}"


# ---------------------------------------------------------------------------------------------
# Indicators: targets set in the project, quarterly snapshots, generated reports (PDF)
# ---------------------------------------------------------------------------------------------
class Comparison(models.TextChoices):
    AT_LEAST = "gte", _("au moins (≥)")
    AT_MOST = "lte", _("au plus (≤)")


class IndicatorTarget(models.Model):
    """A target of the health project for one indicator (e.g. ≥ 80 % of P2 within 48 h)."""

    code = models.CharField(_("indicateur"), max_length=50, unique=True)
    value = models.DecimalField(_("valeur cible"), max_digits=10, decimal_places=1)
    comparison = models.CharField(
        _("comparaison"), max_length=3, choices=Comparison.choices, default=Comparison.AT_LEAST
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("objectif d'indicateur")
        verbose_name_plural = _("objectifs d'indicateurs")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(comparison__in=["gte", "lte"]), name="indicatortarget_comparison"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.get_comparison_display()} {self.value}"

    def is_met(self, actual) -> bool:
        if self.comparison == Comparison.AT_MOST:
            return float(actual) <= float(self.value)
        return float(actual) >= float(self.value)

    @property
    def symbol(self) -> str:
        return "≤" if self.comparison == Comparison.AT_MOST else "≥"

    @property
    def display(self) -> str:
        """ "≥ 80", "≤ 4,5": French decimal comma, no trailing zero."""
        number = f"{self.value:f}".rstrip("0").rstrip(".").replace(".", ",")
        return f"{self.symbol} {number}"

    @property
    def display_with_unit(self) -> str:
        """ "≥ 80 %", "≤ 4,5 h": for pages and PDFs (the CSV has a unit column)."""
        from projet_sante.indicators import BY_CODE, UNIT_LABELS

        unit = UNIT_LABELS.get(BY_CODE[self.code].unit, "") if self.code in BY_CODE else ""
        return f"{self.display} {unit}".rstrip()


class IndicatorSnapshot(models.Model):
    """A quarter's figures as computed just after it ended: reports of a past quarter read
    this, so they never change after the fact. `filters_key` "" is the unfiltered one."""

    period_key = models.CharField(_("période"), max_length=30)
    filters_key = models.CharField(_("filtres"), max_length=200, blank=True, default="")
    values = models.JSONField(_("valeurs"))
    computed_at = models.DateTimeField(_("calculé le"), default=timezone.now)

    class Meta:
        verbose_name = _("instantané d'indicateurs")
        verbose_name_plural = _("instantanés d'indicateurs")
        ordering = ["-period_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["period_key", "filters_key"], name="indicatorsnapshot_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period_key} {self.filters_key or '-'}"


class ReportStatus(models.TextChoices):
    PENDING = "pending", _("En cours de génération")
    READY = "ready", _("Prêt")
    FAILED = "failed", _("Échec")


def report_path(instance, filename: str) -> str:
    # Private storage, opaque path: served only through the audited download view.
    return f"reports/{instance.kind}/{instance.public_id}.pdf"


class GeneratedReport(models.Model):
    """A PDF rendered in the background, cached per (kind, key): "quarterly:2026-Q3",
    "projet:<version id>"."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("type"), max_length=30)
    key = models.CharField(_("clé"), max_length=100)
    status = models.CharField(
        _("statut"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.PENDING
    )
    file = models.FileField(upload_to=report_path, max_length=200, blank=True)
    size = models.PositiveIntegerField(default=0)
    pages = models.PositiveSmallIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    requested_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("rapport généré")
        verbose_name_plural = _("rapports générés")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="generatedreport_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key} ({self.status})"
