"""Indicators: the targets set in the health project, the quarterly snapshots, and the PDF
reports generated in the background."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ess.fields import PublicIdModel, actor_fk, optional_fk
from ess.roles import Institution
from ess.stored_files import StoredFile
from projet_sante.indicators.registry import BY_CODE, UNIT_LABELS


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
    updated_by = optional_fk(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, related_name="+")
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


class GeneratedReport(PublicIdModel):
    """A PDF rendered in the background, cached per (kind, key): "quarterly:2026-Q3",
    "projet:<version id>"."""

    kind = models.CharField(_("type"), max_length=30)
    key = models.CharField(_("clé"), max_length=100)
    status = models.CharField(
        _("statut"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.PENDING
    )
    file = models.FileField(upload_to=report_path, max_length=200, blank=True)
    size = models.PositiveIntegerField(default=0)
    pages = models.PositiveSmallIntegerField(default=0)
    requested_by = optional_fk(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, related_name="+"
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


def transmission_path(instance, filename: str) -> str:
    # Private storage, opaque path: served only through the audited download view.
    return f"transmissions/{instance.public_id}.pdf"


class Transmission(StoredFile):
    """A generated report sent to the ARS and/or the CPAM: what (`kind` and `key` of the
    report, its title as it stood), to whom (`recipients`), when, by whom, with what message,
    and the exact PDF sent, kept as it was (its SHA-256 with it) whatever changes afterwards."""

    kind = models.CharField(_("type de document"), max_length=30)
    key = models.CharField(_("clé"), max_length=100)
    title = models.CharField(_("document"), max_length=300)
    file = models.FileField(upload_to=transmission_path, max_length=200)
    message = models.TextField(_("message"), blank=True)
    sent_by = actor_fk()

    class Meta:
        verbose_name = _("transmission à l'ARS/CPAM")
        verbose_name_plural = _("transmissions à l'ARS/CPAM")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["kind", "key"], name="transmission_document")]

    def __str__(self) -> str:
        return self.title

    @property
    def institutions_display(self) -> str:
        """ "ARS, CPAM" (from the prefetched recipients)."""
        return ", ".join(r.get_institution_display() for r in self.recipients.all())


class TransmissionRecipient(models.Model):
    """One institution a transmission was addressed to: its authority users see it."""

    transmission = models.ForeignKey(
        Transmission, on_delete=models.CASCADE, related_name="recipients"
    )
    institution = models.CharField(_("institution"), max_length=10, choices=Institution.choices)

    class Meta:
        verbose_name = _("destinataire d'une transmission")
        verbose_name_plural = _("destinataires d'une transmission")
        ordering = ["institution"]
        constraints = [
            models.UniqueConstraint(
                fields=["transmission", "institution"], name="transmissionrecipient_once"
            ),
            models.CheckConstraint(
                condition=Q(institution__in=Institution.values),
                name="transmissionrecipient_institution",
            ),
        ]

    def __str__(self) -> str:
        return self.get_institution_display()
