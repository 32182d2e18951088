"""Partners of the ESS (CPTS, MSP, DAC, hospitals, EHPAD…), their contacts, and the conventions
and protocols that bind the ESS to them, with their lifecycle, documents and reminders."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ess.fields import PublicIdModel, actor_fk, optional_fk
from ess.model_bases import Timestamped, Titled
from ess.stored_files import StoredFile
from ess.validators import validate_finess, validate_siret
from ess.workflow import Stateful, StatusEvent, status_columns, status_field


# ---------------------------------------------------------------------------------------------
# Reference tables: extensible in the admin, seeded by a data migration
# ---------------------------------------------------------------------------------------------
class ReferenceRow(models.Model):
    """A row of a reference table: a stable `code` (declared by the table, with its length), a
    label, and the position it is listed at."""

    position = models.PositiveSmallIntegerField(_("ordre"), default=100)

    class Meta:
        abstract = True
        ordering = ["position", "label"]

    def __str__(self) -> str:
        return self.label


class PartnerType(ReferenceRow):
    code = models.SlugField(_("code"), max_length=30, unique=True)
    label = models.CharField(_("libellé"), max_length=120)

    class Meta(ReferenceRow.Meta):
        verbose_name = _("type de partenaire")
        verbose_name_plural = _("types de partenaire")


class ConventionKind(ReferenceRow):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    label = models.CharField(_("libellé"), max_length=150)

    class Meta(ReferenceRow.Meta):
        verbose_name = _("type de convention")
        verbose_name_plural = _("types de convention")


# ---------------------------------------------------------------------------------------------
# Partners and contacts
# ---------------------------------------------------------------------------------------------
class Partner(Timestamped, PublicIdModel):
    type = models.ForeignKey(
        PartnerType, on_delete=models.PROTECT, related_name="partners", verbose_name=_("type")
    )
    name = models.CharField(_("nom"), max_length=200)
    finess = models.CharField(
        _("FINESS"),
        max_length=9,
        blank=True,
        validators=[validate_finess],
        help_text=_("9 caractères, clé comprise (établissements et structures sanitaires)."),
    )
    siret = models.CharField(
        _("SIRET"),
        max_length=14,
        blank=True,
        validators=[validate_siret],
        help_text=_("14 chiffres."),
    )
    address = models.TextField(_("adresse"), blank=True)
    commune = optional_fk("ess.Commune", _("commune"), related_name="+")
    covered_departements = models.ManyToManyField(
        "ess.Departement",
        blank=True,
        related_name="+",
        verbose_name=_("départements couverts"),
    )
    covered_communes = models.ManyToManyField(
        "ess.Commune", blank=True, related_name="+", verbose_name=_("communes couvertes")
    )
    website = models.URLField(_("site web"), blank=True)
    referent = optional_fk(
        settings.AUTH_USER_MODEL,
        _("référent dans l'ESS"),
        on_delete=models.SET_NULL,
        related_name="partners_referred",
    )
    notes = models.TextField(_("notes internes"), blank=True)

    class Meta:
        verbose_name = _("partenaire")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["finess"], condition=~Q(finess=""), name="partner_finess_unique"
            ),
            models.UniqueConstraint(
                fields=["siret"], condition=~Q(siret=""), name="partner_siret_unique"
            ),
        ]
        indexes = [models.Index(fields=["type", "name"], name="partner_by_type")]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        """A FINESS or SIRET already held by another partner is refused beside its field,
        naming that partner (the unique constraints are then not checked again)."""
        super().clean()
        errors = {}
        messages = {
            "finess": _("Ce numéro FINESS est déjà celui du partenaire « %(name)s »."),
            "siret": _("Ce numéro SIRET est déjà celui du partenaire « %(name)s »."),
        }
        for field, message in messages.items():
            value = getattr(self, field)
            if not value:
                continue
            holder = Partner.objects.filter(**{field: value}).exclude(pk=self.pk).first()
            if holder is not None:
                errors[field] = message % {"name": holder.name}
        if errors:
            raise ValidationError(errors)


class Contact(PublicIdModel):
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("nom"), max_length=150)
    role = models.CharField(_("fonction"), max_length=150, blank=True)
    email = models.EmailField(_("courriel"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    newsletter = models.BooleanField(_("reçoit la lettre d'information"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("contact")
        ordering = ["name", "pk"]
        constraints = [
            # Subscribing needs somewhere to send the letter.
            models.CheckConstraint(
                condition=Q(newsletter=False) | ~Q(email=""), name="contact_newsletter_has_email"
            ),
        ]

    def __str__(self) -> str:
        return self.name


# ---------------------------------------------------------------------------------------------
# Conventions and protocols
# ---------------------------------------------------------------------------------------------
class ConventionStatus(models.TextChoices):
    DRAFT = "draft", _("Projet")
    NEGOTIATION = "negotiation", _("En négociation")
    SIGNED = "signed", _("Signée")
    ACTIVE = "active", _("En vigueur")
    EXPIRED = "expired", _("Échue")
    TERMINATED = "terminated", _("Résiliée")


# The only definition of what may follow what. A draft can be signed without a negotiation
# round (a standard convention); "terminated" closes an abandoned draft as well as a convention
# ended early. A signed convention whose end date passed before it took effect expires.
CONVENTION_TRANSITIONS: dict[str, frozenset[str]] = {
    ConventionStatus.DRAFT: frozenset(
        {ConventionStatus.NEGOTIATION, ConventionStatus.SIGNED, ConventionStatus.TERMINATED}
    ),
    ConventionStatus.NEGOTIATION: frozenset({ConventionStatus.SIGNED, ConventionStatus.TERMINATED}),
    ConventionStatus.SIGNED: frozenset(
        {ConventionStatus.ACTIVE, ConventionStatus.EXPIRED, ConventionStatus.TERMINATED}
    ),
    ConventionStatus.ACTIVE: frozenset({ConventionStatus.EXPIRED, ConventionStatus.TERMINATED}),
    ConventionStatus.EXPIRED: frozenset(),
    ConventionStatus.TERMINATED: frozenset(),
}
# Statuses in which the convention binds (or is about to bind) the ESS: reminders apply.
BINDING_STATUSES = frozenset({ConventionStatus.SIGNED, ConventionStatus.ACTIVE})
# Reminders go this many days before a binding convention's end and each evaluation date.
REMINDER_THRESHOLDS = (90, 30)
SIGNED_STATUSES = frozenset(
    {
        ConventionStatus.SIGNED,
        ConventionStatus.ACTIVE,
        ConventionStatus.EXPIRED,
    }
)


def convention_date_errors(effective_on, end_on, next_evaluation_on) -> dict:
    """{field: French message} for a convention's dates out of order: the end before the
    effect, the next evaluation before the effect or after the end. Empty when in order."""
    errors = {}
    if effective_on and end_on and end_on < effective_on:
        errors["end_on"] = _("L'échéance ne peut précéder la date de prise d'effet.")
    if next_evaluation_on and effective_on and next_evaluation_on < effective_on:
        errors["next_evaluation_on"] = _(
            "La prochaine évaluation ne peut précéder la date de prise d'effet."
        )
    elif next_evaluation_on and end_on and next_evaluation_on > end_on:
        errors["next_evaluation_on"] = _("La prochaine évaluation ne peut suivre l'échéance.")
    return errors


class Convention(Stateful, Titled, Timestamped, PublicIdModel):
    transitions = CONVENTION_TRANSITIONS

    kind = models.ForeignKey(
        ConventionKind, on_delete=models.PROTECT, related_name="conventions", verbose_name=_("type")
    )
    parties = models.ManyToManyField(
        Partner, related_name="conventions", verbose_name=_("partenaires signataires")
    )
    object = models.TextField(_("objet"), blank=True)
    commitments = models.TextField(_("engagements réciproques"), blank=True)
    referent = optional_fk(
        settings.AUTH_USER_MODEL,
        _("référent dans l'ESS"),
        on_delete=models.SET_NULL,
        related_name="conventions_referred",
    )
    signed_on = models.DateField(_("signée le"), null=True, blank=True)
    effective_on = models.DateField(_("prise d'effet"), null=True, blank=True)
    end_on = models.DateField(_("échéance"), null=True, blank=True)
    next_evaluation_on = models.DateField(_("prochaine évaluation"), null=True, blank=True)
    status = status_field(ConventionStatus, default=ConventionStatus.DRAFT, max_length=12)
    termination_reason = models.TextField(_("motif de résiliation"), blank=True)
    created_by = actor_fk(null=True)

    class Meta:
        verbose_name = _("convention")
        ordering = ["-effective_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__isnull=True)
                | Q(effective_on__isnull=True)
                | Q(end_on__gte=models.F("effective_on")),
                name="convention_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=sorted(SIGNED_STATUSES))
                | Q(signed_on__isnull=False, effective_on__isnull=False),
                name="convention_signed_has_dates",
            ),
            models.CheckConstraint(
                condition=~Q(status=ConventionStatus.TERMINATED) | ~Q(termination_reason=""),
                name="convention_terminated_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "effective_on"], name="convention_by_status"),
            models.Index(fields=["end_on"], name="convention_end"),
            models.Index(fields=["next_evaluation_on"], name="convention_evaluation"),
        ]

    @property
    def is_protocol(self) -> bool:
        """A cooperation or organisation protocol: it has its people and its task plan."""
        return self.kind.code in PROTOCOL_KIND_CODES

    def is_in_force(self, today=None) -> bool:
        """In force: active, and today within its dates (the daily job may not have run)."""
        today = today or timezone.localdate()
        return (
            self.status == ConventionStatus.ACTIVE
            and (self.effective_on is None or self.effective_on <= today)
            and (self.end_on is None or today <= self.end_on)
        )


class ConventionEventKind(models.TextChoices):
    TRANSITION = "transition", _("Changement de statut")
    CREATED = "created", _("Création")
    UPDATED = "updated", _("Modification")
    DOCUMENT = "document", _("Document déposé")


class ConventionEvent(StatusEvent):
    """The history of a convention: who changed what, when (actor empty: the daily job)."""

    subject_field = "convention"

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(
        max_length=12, choices=ConventionEventKind.choices, default=ConventionEventKind.TRANSITION
    )
    from_status, to_status = status_columns(ConventionStatus, max_length=12)

    class Meta(StatusEvent.Meta):
        indexes = [models.Index(fields=["convention", "at"], name="convention_history")]

    def __str__(self) -> str:
        return f"{self.convention_id} {self.kind} {self.from_status}→{self.to_status}"


class DocumentType(models.TextChoices):
    DRAFT = "draft", _("Projet de convention")
    SIGNED = "signed", _("Convention signée (PDF)")
    ANNEX = "annex", _("Annexe")


def document_path(instance, filename: str) -> str:
    # Never the uploaded name: the original is kept in the row, the path is opaque.
    return f"conventions/{instance.convention.public_id}/{instance.public_id}"


class ConventionDocument(StoredFile):
    """A version of one of the convention's documents. Versions are kept, never replaced."""

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="documents")
    doc_type = models.CharField(_("document"), max_length=10, choices=DocumentType.choices)
    version = models.PositiveSmallIntegerField(_("version"))
    file = models.FileField(upload_to=document_path, max_length=200)
    uploaded_by = actor_fk(null=True)

    class Meta:
        verbose_name = _("document de convention")
        ordering = ["doc_type", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["convention", "doc_type", "version"], name="convention_document_version"
            ),
            models.CheckConstraint(
                condition=~Q(doc_type="signed") | Q(content_type="application/pdf"),
                name="convention_signed_document_is_pdf",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_doc_type_display()} v{self.version}"


class ReminderKind(models.TextChoices):
    END = "end", _("échéance")
    EVALUATION = "evaluation", _("évaluation")


class ConventionReminder(models.Model):
    """A reminder claimed (and sent) once per convention, date kind, threshold and date.

    If the date moves, the new date gets its own reminders."""

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=12, choices=ReminderKind.choices)
    threshold_days = models.PositiveSmallIntegerField()
    target_date = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["convention", "kind", "threshold_days", "target_date"],
                name="convention_reminder_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.convention_id} {self.kind} J-{self.threshold_days} {self.target_date}"


# ---------------------------------------------------------------------------------------------
# Executable protocols: what a cooperation or organisation protocol adds to its convention
# ---------------------------------------------------------------------------------------------
# The kinds of convention that are protocols, and so may be made executable.
PROTOCOL_KIND_CODES = frozenset({"protocole-cooperation", "protocole-organisation"})


class Protocol(Timestamped, PublicIdModel):
    """The people and the plan of a cooperation or organisation protocol: the doctors who
    delegate, the professionals (IPA, IDE) they delegate to, who is eligible, and the tasks a
    pathway under it follows. It may be applied only while its convention is in force
    (`Convention.is_in_force`), and only by its own people."""

    convention = models.OneToOneField(
        Convention, on_delete=models.CASCADE, related_name="protocol", verbose_name=_("convention")
    )
    specialty = optional_fk("ess.Specialty", _("spécialité"), related_name="+")
    eligibility = models.TextField(
        _("critères d'éligibilité"),
        blank=True,
        help_text=_("Les patients à qui le protocole s'applique, en quelques phrases."),
    )
    delegating_doctors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="protocols_delegating",
        blank=True,
        verbose_name=_("médecins délégants"),
    )
    delegates = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="protocols_delegated",
        blank=True,
        verbose_name=_("professionnels délégués (IPA, IDE)"),
    )

    class Meta:
        verbose_name = _("protocole")
        ordering = ["convention__title"]

    def __str__(self) -> str:
        return self.convention.title


class ProtocolTaskKind(models.TextChoices):
    CALL = "call", _("Appel téléphonique")
    VISIT = "visit", pgettext_lazy("delegated task", "Consultation")
    LAB = "lab", _("Bilan biologique")
    OTHER = "other", _("Autre")


class ProtocolTaskTemplate(models.Model):
    """One task of a protocol's plan, due so many days after the pathway starts (D7, D14…)."""

    protocol = models.ForeignKey(Protocol, on_delete=models.CASCADE, related_name="task_templates")
    label = models.CharField(_("tâche"), max_length=150)
    kind = models.CharField(
        _("nature"), max_length=10, choices=ProtocolTaskKind.choices, default=ProtocolTaskKind.OTHER
    )
    day = models.PositiveSmallIntegerField(
        _("jour"), help_text=_("Jours après l'ouverture du parcours (J+n).")
    )
    instructions = models.TextField(
        _("consignes"),
        blank=True,
        help_text=_("Ce qu'il faut relever, et les valeurs qui doivent alerter le médecin."),
    )

    class Meta:
        verbose_name = _("tâche type")
        verbose_name_plural = _("tâches types")
        ordering = ["protocol", "day", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["protocol", "day", "label"], name="protocol_task_template_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"J{self.day} — {self.label}"
