"""The ESS's money: the funding it receives (grants and their reporting), its yearly budget by
category, the expenses recorded against it, and the rates at which its specialists' paid time
is counted from their activity on the platform. Amounts are euros as `Decimal`, to the cent."""

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ess.fields import PublicIdModel, actor_fk
from ess.model_bases import Timestamped
from ess.stored_files import StoredFile

AMOUNT = {"max_digits": 12, "decimal_places": 2}
# The years the funding pages show: a budget, a grant or an expense belongs to one of them.
FIRST_YEAR, LAST_YEAR = 2000, 2100


class FundingKind(models.TextChoices):
    STARTUP = "startup", _("Crédits d'amorçage")
    OPERATING = "operating", _("Dotation de fonctionnement")
    FIR = "fir", _("Fonds d'intervention régional (FIR)")
    FEES = "fees", _("Cotisations des adhérents")
    OTHER = "other", _("Autre financement")


class Funder(models.TextChoices):
    ARS = "ars", _("ARS")
    CPAM = "cpam", _("CPAM")
    OTHER = "other", _("Autre financeur")


class BudgetCategory(models.TextChoices):
    COORDINATION = "coordination", _("Coordination")
    MEDICAL_TIME = "medical_time", _("Indemnisation des temps médicaux")
    INFORMATION_SYSTEMS = "information_systems", _("Systèmes d'information")
    COMMUNICATION = "communication", _("Communication")
    TRAINING = "training", _("Formation")
    RUNNING = "running", _("Frais de fonctionnement")
    OTHER = "other", _("Autres dépenses")


class Activity(models.TextChoices):
    """What a specialist's paid time is counted from, each at its rate."""

    ANSWER = "answer", _("Avis de télé-expertise rendu")
    SESSION = "session", _("Vacation de consultation avancée")
    MEETING = "meeting", _("Participation à une télé-RCP")
    TRAINING = "training", _("Formation animée")
    ON_CALL_HOUR = "on_call_hour", _("Heure d'astreinte")


class Grant(Timestamped, PublicIdModel):
    """Money granted to the ESS: by whom, how much, when decided and received, on what
    conditions, and the report it requires by when."""

    kind = models.CharField(_("nature"), max_length=12, choices=FundingKind.choices)
    funder = models.CharField(_("financeur"), max_length=8, choices=Funder.choices)
    funder_name = models.CharField(_("nom du financeur"), max_length=200, blank=True)
    label = models.CharField(_("intitulé"), max_length=200)
    year = models.PositiveSmallIntegerField(_("exercice"))
    amount = models.DecimalField(_("montant"), **AMOUNT)
    decided_on = models.DateField(_("date de décision"), null=True, blank=True)
    received_on = models.DateField(_("date de versement"), null=True, blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    reporting = models.TextField(_("compte rendu exigé"), blank=True)
    reporting_due = models.DateField(_("compte rendu dû le"), null=True, blank=True)
    created_by = actor_fk()

    class Meta:
        verbose_name = _("financement")
        verbose_name_plural = _("financements")
        ordering = ["-year", "kind", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="grant_amount_positive"),
            models.CheckConstraint(
                condition=~Q(funder="other") | ~Q(funder_name=""), name="grant_other_funder_named"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def funder_label(self) -> str:
        return self.funder_name if self.funder == Funder.OTHER else self.get_funder_display()


class BudgetLine(models.Model):
    """The amount planned for one category in one year."""

    year = models.PositiveSmallIntegerField(_("exercice"))
    category = models.CharField(_("poste"), max_length=20, choices=BudgetCategory.choices)
    amount = models.DecimalField(_("montant prévu"), **AMOUNT)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("ligne de budget")
        verbose_name_plural = _("lignes de budget")
        ordering = ["year", "category"]
        constraints = [
            models.UniqueConstraint(fields=["year", "category"], name="budget_line_once"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_line_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.category}"


class Expense(PublicIdModel):
    """Money spent, recorded by hand or imported from the accountant's CSV (`import_key`: the
    imported line's fingerprint, so the same line is never imported twice)."""

    date = models.DateField(_("date"))
    category = models.CharField(_("poste"), max_length=20, choices=BudgetCategory.choices)
    label = models.CharField(_("libellé"), max_length=200)
    amount = models.DecimalField(_("montant"), **AMOUNT)
    supplier = models.CharField(_("fournisseur"), max_length=200, blank=True)
    import_key = models.CharField(max_length=64, blank=True)
    created_by = actor_fk()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("dépense")
        verbose_name_plural = _("dépenses")
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="expense_amount_positive"),
            models.UniqueConstraint(
                fields=["import_key"], condition=~Q(import_key=""), name="expense_imported_once"
            ),
        ]
        indexes = [models.Index(fields=["date", "category"], name="expense_by_date")]

    def __str__(self) -> str:
        return self.label

    @property
    def stored_receipt(self):
        """Its receipt, or None."""
        try:
            return self.receipt
        except ObjectDoesNotExist:
            return None


def receipt_path(instance, filename: str) -> str:
    # Opaque: the uploaded name is kept in the row only.
    return f"finance/{instance.public_id}"


class ExpenseReceipt(StoredFile):
    """The receipt (invoice, note) of an expense, checked like every upload."""

    expense = models.OneToOneField(Expense, on_delete=models.CASCADE, related_name="receipt")
    file = models.FileField(upload_to=receipt_path, max_length=200)

    class Meta:
        verbose_name = _("justificatif")
        verbose_name_plural = _("justificatifs")


class ActivityRate(models.Model):
    """What one unit of an activity is paid to the specialist (an answer, a session, an hour on
    call…)."""

    activity = models.CharField(_("activité"), max_length=14, choices=Activity.choices, unique=True)
    amount = models.DecimalField(_("montant unitaire"), **AMOUNT)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("tarif d'activité")
        verbose_name_plural = _("tarifs d'activité")
        ordering = ["activity"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="activity_rate_not_negative")
        ]

    def __str__(self) -> str:
        return self.activity
