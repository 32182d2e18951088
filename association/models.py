"""The ESS as an association: its legal identity (one row), its general assemblies with
attendance, proxies, quorum, resolutions and their votes, and the members' yearly fees.

Members are `members.Membership` rows (an active membership is a member of the association);
amounts are euros as `Decimal`, never floats."""

from decimal import ROUND_HALF_DOWN, Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ess.fields import PublicIdModel, actor_fk
from ess.model_bases import Timestamped
from ess.stored_files import StoredFile
from ess.validators import validate_siret
from ess.workflow import Stateful, StatusEvent, status_columns, status_field


class LegalIdentity(models.Model):
    """The association behind the ESS: one row per deployment, like `ess.Team`, kept apart so
    that its legal life stays in its own app."""

    rna = models.CharField(_("numéro RNA"), max_length=10, blank=True)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True, validators=[validate_siret])
    seat_address = models.TextField(_("adresse du siège"), blank=True)
    signatory_name = models.CharField(_("signataire"), max_length=200, blank=True)
    signatory_function = models.CharField(
        _("qualité du signataire"), max_length=100, blank=True, help_text=_("Ex. : président")
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("identité de l'association")
        verbose_name_plural = _("identité de l'association")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="legal_identity_singleton"),
            models.CheckConstraint(
                condition=Q(rna="") | Q(rna__regex=r"^W[0-9]{9}$"), name="legal_identity_rna"
            ),
        ]

    def __str__(self) -> str:
        return self.rna or str(_("identité de l'association"))

    @classmethod
    def current(cls) -> "LegalIdentity | None":
        return cls.objects.filter(pk=1).first()


def statutes_path(instance, filename: str) -> str:
    # Never the uploaded name: the original is kept in the row, the path is opaque.
    return f"association/statutes/{instance.public_id}"


class Statutes(StoredFile):
    """A version of the association's statutes; versions are kept, the newest is in force."""

    file = models.FileField(upload_to=statutes_path, max_length=200)
    uploaded_by = actor_fk(null=True)

    class Meta:
        verbose_name = _("statuts")
        verbose_name_plural = _("statuts")
        ordering = ["-created_at", "-pk"]


class AssemblyKind(models.TextChoices):
    ORDINARY = "ordinary", _("Ordinaire")
    EXTRAORDINARY = "extraordinary", _("Extraordinaire")


class AssemblyStatus(models.TextChoices):
    PLANNED = "planned", _("En préparation")
    CONVENED = "convened", _("Convoquée")
    HELD = "held", _("Tenue")
    CANCELLED = "cancelled", _("Annulée")


ASSEMBLY_TRANSITIONS: dict[str, frozenset[str]] = {
    AssemblyStatus.PLANNED: frozenset({AssemblyStatus.CONVENED, AssemblyStatus.CANCELLED}),
    AssemblyStatus.CONVENED: frozenset({AssemblyStatus.HELD, AssemblyStatus.CANCELLED}),
    AssemblyStatus.HELD: frozenset(),
    AssemblyStatus.CANCELLED: frozenset(),
}


def default_quorum() -> Decimal:
    return Decimal(str(settings.ESS_ASSEMBLY_QUORUM))


def default_max_proxies() -> int:
    return settings.ESS_ASSEMBLY_MAX_PROXIES


class GeneralAssembly(Stateful, Timestamped, PublicIdModel):
    transitions = ASSEMBLY_TRANSITIONS

    kind = models.CharField(
        _("type"), max_length=15, choices=AssemblyKind.choices, default=AssemblyKind.ORDINARY
    )
    starts_at = models.DateTimeField(_("date et heure"))
    place = models.CharField(_("lieu"), max_length=300, blank=True)
    video_url = models.URLField(_("lien de visioconférence"), blank=True)
    agenda = models.TextField(_("ordre du jour"))
    quorum = models.DecimalField(
        _("quorum (part des membres)"),
        max_digits=3,
        decimal_places=2,
        default=default_quorum,
        help_text=_("Part des membres présents ou représentés requise, ex. 0,50 pour la moitié."),
    )
    max_proxies = models.PositiveSmallIntegerField(
        _("procurations par membre présent"), default=default_max_proxies
    )
    status = status_field(AssemblyStatus, default=AssemblyStatus.PLANNED, max_length=10)
    # The members counted for the quorum, frozen when it is held.
    members_count = models.PositiveIntegerField(null=True, blank=True)
    minutes_notes = models.TextField(_("compte rendu des débats"), blank=True)
    cancel_reason = models.TextField(_("motif d'annulation"), blank=True)
    convened_at = models.DateTimeField(null=True, blank=True)
    held_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("assemblée générale")
        verbose_name_plural = _("assemblées générales")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=AssemblyStatus.CANCELLED) | ~Q(cancel_reason=""),
                name="assembly_cancelled_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(quorum__gt=0, quorum__lte=1), name="assembly_quorum_fraction"
            ),
            models.CheckConstraint(
                condition=~Q(place="") | ~Q(video_url=""), name="assembly_has_place_or_video"
            ),
        ]

    def __str__(self) -> str:
        return str(
            _("Assemblée générale %(kind)s du %(date)s")
            % {
                "kind": self.get_kind_display().lower(),
                "date": timezone.localtime(self.starts_at).strftime("%d/%m/%Y"),
            }
        )


class AssemblyEvent(StatusEvent):
    subject_field = "assembly"
    from_status, to_status = status_columns(AssemblyStatus)
    assembly = models.ForeignKey(GeneralAssembly, on_delete=models.CASCADE, related_name="events")

    class Meta(StatusEvent.Meta):
        verbose_name = _("historique de l'assemblée")


class Convocation(models.Model):
    """A member convened to an assembly: one row each, so a convocation is sent only once."""

    assembly = models.ForeignKey(
        GeneralAssembly, on_delete=models.CASCADE, related_name="convocations"
    )
    membership = models.ForeignKey(
        "members.Membership", on_delete=models.PROTECT, related_name="convocations"
    )
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assembly", "membership"], name="convocation_once_per_member"
            )
        ]

    def __str__(self) -> str:
        return f"{self.membership_id} → {self.assembly_id}"


class AttendanceMode(models.TextChoices):
    PRESENT = "present", _("Présent")
    REPRESENTED = "represented", _("Représenté")


class Attendance(models.Model):
    """A member present, or represented by a present member holding their proxy."""

    assembly = models.ForeignKey(
        GeneralAssembly, on_delete=models.CASCADE, related_name="attendances"
    )
    membership = models.ForeignKey(
        "members.Membership", on_delete=models.PROTECT, related_name="assembly_attendances"
    )
    mode = models.CharField(_("présence"), max_length=12, choices=AttendanceMode.choices)
    proxy_holder = models.ForeignKey(
        "members.Membership",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proxies_held",
        verbose_name=_("mandataire"),
    )

    class Meta:
        verbose_name = _("présence")
        ordering = ["assembly", "membership__last_name", "membership__first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["assembly", "membership"], name="attendance_once_per_member"
            ),
            models.CheckConstraint(
                condition=Q(mode=AttendanceMode.PRESENT, proxy_holder__isnull=True)
                | Q(mode=AttendanceMode.REPRESENTED, proxy_holder__isnull=False),
                name="attendance_represented_has_holder",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.membership_id} ({self.mode})"


class Resolution(PublicIdModel):
    """A resolution put to the vote, with its counts. Adopted when the votes for outnumber those
    against, or, with a qualified majority, reach that share of the votes cast."""

    assembly = models.ForeignKey(
        GeneralAssembly, on_delete=models.CASCADE, related_name="resolutions"
    )
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("intitulé"), max_length=300)
    text = models.TextField(_("texte"), blank=True)
    votes_for = models.PositiveIntegerField(_("pour"), default=0)
    votes_against = models.PositiveIntegerField(_("contre"), default=0)
    abstentions = models.PositiveIntegerField(_("abstentions"), default=0)
    qualified_majority = models.DecimalField(
        _("majorité qualifiée"),
        max_digits=3,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Part des suffrages exprimés requise, ex. 0,67 pour les deux tiers."),
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("résolution")
        ordering = ["assembly", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(qualified_majority__isnull=True)
                | Q(qualified_majority__gt=Decimal("0.5"), qualified_majority__lte=1),
                name="resolution_qualified_majority",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def adopted(self) -> bool:
        """More votes for than against; with a qualified majority, the share of the votes
        cast that are for, to the hundredth as the majority is given (2 of 3 is 0,67: the two
        thirds; halves round down, so 0,665 is not 0,67), reaches it."""
        if self.qualified_majority is None:
            return self.votes_for > self.votes_against
        cast = self.votes_for + self.votes_against
        if cast == 0:
            return False
        share = (Decimal(self.votes_for) / cast).quantize(Decimal("0.01"), ROUND_HALF_DOWN)
        return share >= self.qualified_majority


class FeeYear(models.Model):
    """The membership fee of a year."""

    year = models.PositiveSmallIntegerField(_("année"), unique=True)
    amount = models.DecimalField(
        _("montant (€)"),
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )

    class Meta:
        verbose_name = _("cotisation annuelle")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="fee_amount_positive")
        ]

    def __str__(self) -> str:
        return str(self.year)


class PaymentMeans(models.TextChoices):
    TRANSFER = "transfer", _("Virement")
    CHEQUE = "cheque", _("Chèque")
    CARD = "card", _("Carte bancaire")
    CASH = "cash", _("Espèces")


class FeePayment(models.Model):
    """A member's fee paid for a year: once per member and year."""

    fee_year = models.ForeignKey(FeeYear, on_delete=models.PROTECT, related_name="payments")
    membership = models.ForeignKey(
        "members.Membership", on_delete=models.PROTECT, related_name="fee_payments"
    )
    paid_on = models.DateField(_("date du paiement"))
    amount = models.DecimalField(_("montant (€)"), max_digits=8, decimal_places=2)
    means = models.CharField(_("moyen de paiement"), max_length=10, choices=PaymentMeans.choices)
    recorded_by = actor_fk(null=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("paiement de cotisation")
        ordering = ["fee_year", "membership__last_name", "membership__first_name"]
        constraints = [
            models.UniqueConstraint(fields=["fee_year", "membership"], name="fee_paid_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="fee_payment_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.membership_id} {self.fee_year_id}"
