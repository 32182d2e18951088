"""The health project's public face: the quarterly information letter and its audience.

A newsletter is drafted by beat for the quarter just ended (figures computed by the database,
frozen in `figures`), edited by a manager, then sent: the audience is snapshotted as one
`NewsletterDelivery` row per address, and a task sends them in batches, each row claimed
before its email leaves so that a crashed worker resumes without sending twice.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ess.fields import PublicIdModel, optional_fk
from ess.model_bases import Timestamped
from ess.workflow import Stateful, status_field


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


class Newsletter(Stateful, Timestamped, PublicIdModel):
    """One letter per quarter (unique): the beat task may run as often as it likes."""

    transitions = NEWSLETTER_TRANSITIONS

    year = models.PositiveSmallIntegerField(_("année"))
    quarter = models.PositiveSmallIntegerField(_("trimestre"))
    status = status_field(NewsletterStatus, default=NewsletterStatus.DRAFT, max_length=10)
    # Key figures of the quarter as computed when drafted: {"requests_received": 12, ...}.
    # A JSON dict so that partners and advanced consultations can be added without a migration.
    figures = models.JSONField(_("chiffres clés"), default=dict, blank=True)
    figures_at = models.DateTimeField(_("chiffres calculés le"), default=timezone.now)
    # Sections written by a manager: plain text, escaped when rendered.
    progress = models.TextField(_("avancement du projet de santé"), blank=True)
    news = models.TextField(_("actualités"), blank=True)
    events = models.TextField(_("agenda"), blank=True)
    sent_by = optional_fk(settings.AUTH_USER_MODEL, related_name="+")
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
    def sendable_from(self) -> date:
        """The first day after the quarter it tells of: its figures are complete then."""
        if self.quarter == 4:
            return date(self.year + 1, 1, 1)
        return date(self.year, 3 * self.quarter + 1, 1)

    @property
    def quarter_over(self) -> bool:
        return timezone.localdate() >= self.sendable_from

    @property
    def period_label(self) -> str:
        ordinal = _("1er") if self.quarter == 1 else _("%(n)se") % {"n": self.quarter}
        return _("%(ordinal)s trimestre %(year)s") % {"ordinal": ordinal, "year": self.year}


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


class Subscriber(PublicIdModel):
    """A territory professional who asked for the letter (double opt-in: confirmed by a link)."""

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
