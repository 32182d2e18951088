"""Cross-cutting core: territory reference data, the ESS itself, audit trail, API tokens, outbox."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ess.fields import PublicIdModel, actor_fk, optional_fk
from ess.model_bases import HashedSecret


# ---------------------------------------------------------------------------------------------
# Territory (official COG codes, from @etalab/decoupage-administratif)
# ---------------------------------------------------------------------------------------------
class Region(models.Model):
    code = models.CharField(_("code"), max_length=3, primary_key=True)
    name = models.CharField(_("nom"), max_length=100)

    class Meta:
        verbose_name = _("région")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Departement(models.Model):
    code = models.CharField(_("code"), max_length=3, primary_key=True)
    name = models.CharField(_("nom"), max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departements")

    class Meta:
        verbose_name = _("département")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Commune(models.Model):
    code = models.CharField(_("code INSEE"), max_length=5, primary_key=True)
    name = models.CharField(_("nom"), max_length=100)
    # Lower-case, accents and punctuation folded: what the lookup matches a prefix against.
    search_name = models.CharField(max_length=100)
    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="communes")
    postal_codes = models.CharField(_("codes postaux"), max_length=200, blank=True)
    population = models.PositiveIntegerField(null=True, blank=True)
    epci = models.CharField(_("EPCI (SIREN)"), max_length=9, blank=True, db_index=True)

    class Meta:
        verbose_name = _("commune")
        ordering = ["name"]
        indexes = [
            models.Index(
                fields=["search_name"],
                name="commune_search_prefix",
                opclasses=["varchar_pattern_ops"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.departement_id})"

    @property
    def main_postal_code(self) -> str:
        return self.postal_codes.split(" ", 1)[0] if self.postal_codes else ""

    @property
    def label(self) -> str:
        """What the commune pickers show and parse back: code first, then name and postcode."""
        return f"{self.code} — {self.name} ({self.main_postal_code or self.departement_id})"


class PostalCode(models.Model):
    code = models.CharField(max_length=5)
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["code", "commune"], name="postalcode_unique"),
        ]
        indexes = [
            models.Index(
                fields=["code"], name="postalcode_prefix", opclasses=["varchar_pattern_ops"]
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.commune_id}"


# ---------------------------------------------------------------------------------------------
# The ESS itself, as configuration data
# ---------------------------------------------------------------------------------------------
class Specialty(models.Model):
    code = models.SlugField(_("code"), max_length=50, unique=True)
    label = models.CharField(_("libellé"), max_length=100)

    class Meta:
        verbose_name = _("spécialité")
        verbose_name_plural = _("spécialités")
        ordering = ["label"]

    def __str__(self) -> str:
        return self.label


class Team(models.Model):
    """The ESS this platform serves: one row per deployment."""

    name = models.CharField(_("nom"), max_length=200)
    short_name = models.CharField(_("nom court"), max_length=50)
    specialties = models.ManyToManyField(Specialty, verbose_name=_("spécialités"), blank=True)
    departements = models.ManyToManyField(
        Departement, verbose_name=_("territoire (départements)"), blank=True
    )
    email = models.EmailField(_("courriel de contact"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    address = models.TextField(_("adresse"), blank=True)
    website = models.URLField(_("site web"), blank=True)
    # Shown on the public front page: who the ESS is, and when a person answers the phone (the
    # platform itself takes requests at any hour).
    presentation = models.TextField(
        _("présentation"),
        blank=True,
        help_text=_("Quelques phrases pour la page d'accueil publique : qui est l'ESS."),
    )
    opening_hours = models.TextField(
        _("horaires d'ouverture"),
        blank=True,
        help_text=_("Jours et heures où la coordination répond, une ligne par plage."),
    )
    # The representativeness targets run from this date (ESS_REPRESENTATIVENESS_TARGETS).
    labelled_on = models.DateField(
        _("date de labellisation"),
        null=True,
        blank=True,
        help_text=_("Date de l'arrêté de l'ARS reconnaissant l'ESS."),
    )

    class Meta:
        verbose_name = _("ESS")
        verbose_name_plural = _("ESS")
        constraints = [
            # One deployment serves one ESS: the row with pk=1 is the only one allowed.
            models.CheckConstraint(condition=models.Q(pk=1), name="team_singleton"),
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def current(cls) -> "Team | None":
        return cls.objects.filter(pk=1).first()


# ---------------------------------------------------------------------------------------------
# Audit trail of access to patient data (append-only)
# ---------------------------------------------------------------------------------------------
class AuditAction(models.TextChoices):
    VIEW = "view", _("Consultation")
    DOWNLOAD = "download", _("Téléchargement")
    EXPORT = "export", _("Export")
    PRINT = "print", _("Impression")
    CREATE = "create", _("Création")
    UPDATE = "update", _("Modification")


class AuditOutcome(models.TextChoices):
    ALLOWED = "allowed", _("Autorisé")
    REFUSED = "refused", _("Refusé")


class AuditEvent(models.Model):
    """Who read or touched which patient-data object, when and from where, and whether it was
    allowed: an attempt on an object the caller may not see is recorded as refused.

    Append-only: the model refuses updates and deletes, and on PostgreSQL a trigger does too.
    Holds identifiers only, never nominative data.
    """

    at = models.DateTimeField(_("date"), default=timezone.now, db_index=True)
    actor = actor_fk(null=True)
    actor_email = models.EmailField(_("acteur"), blank=True)
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(_("type d'objet"), max_length=50)
    object_id = models.CharField(_("identifiant"), max_length=64)
    object_label = models.CharField(_("référence"), max_length=100, blank=True)
    ip_address = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)
    path = models.CharField(_("chemin"), max_length=300, blank=True)
    # The way in when it was not a browser session: "token:<prefix>" for an API token.
    via = models.CharField(_("accès"), max_length=20, blank=True)
    outcome = models.CharField(
        _("résultat"), max_length=10, choices=AuditOutcome.choices, default=AuditOutcome.ALLOWED
    )

    class Meta:
        verbose_name = _("événement d'audit")
        verbose_name_plural = _("journal d'audit")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
            # The audit page's filter on an object's identifier alone. Its filter on the actor's
            # address (`istartswith`: UPPER(actor_email) LIKE 'X%') reads an expression index
            # made on PostgreSQL only, by a migration (audit_actor_email_prefix).
            models.Index(fields=["object_id", "-at"], name="audit_object_id"),
            models.Index(fields=["actor", "-at"], name="audit_actor"),
            # Refusals are few among millions of reads: the "refused only" view reads this.
            models.Index(
                fields=["-at"], name="audit_refused", condition=models.Q(outcome="refused")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_email} {self.action} {self.object_type}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Le journal d'audit est en ajout seul : modification refusée.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Le journal d'audit est en ajout seul : suppression refusée.")

    @property
    def via_label(self) -> str:
        if self.via.startswith("token:"):
            return _("jeton d'API %(prefix)s…") % {"prefix": self.via.removeprefix("token:")}
        if self.via.startswith("fhir:"):
            return _("plateforme raccordée %(id)s…") % {"id": self.via.removeprefix("fhir:")}
        return _("session")


# ---------------------------------------------------------------------------------------------
# API tokens (stored hashed; the clear token is shown once)
# ---------------------------------------------------------------------------------------------
class TokenScope(models.TextChoices):
    READ = "read", _("Lecture seule")
    READ_WRITE = "read_write", _("Lecture et écriture")


class ApiToken(HashedSecret, PublicIdModel):
    """A credential for `Authorization: Token <key>`. Only a SHA-256 hash of the key is stored;
    the first characters (`prefix`) name it on pages and in the audit trail."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("nom"), max_length=100)
    scope = models.CharField(_("portée"), max_length=10, choices=TokenScope.choices)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(_("préfixe"), max_length=8)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expire le"))
    # Written at most once a minute (ess/api_auth.py): enough to spot an unused token.
    last_used_at = models.DateTimeField(_("dernière utilisation"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)

    class Meta:
        verbose_name = _("jeton d'API")
        verbose_name_plural = _("jetons d'API")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scope__in=TokenScope.values), name="apitoken_scope_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired

    @property
    def audit_via(self) -> str:
        """How the audit trail names a read made with this token."""
        return f"token:{self.prefix}"


# ---------------------------------------------------------------------------------------------
# Outbound email: written in the same transaction as the change, delivered by a task.
# ---------------------------------------------------------------------------------------------
class OutboxRow(PublicIdModel):
    """A message to send, claimed by one worker at a time (ess.outbox.claim) and marked sent."""

    created_at = models.DateTimeField(default=timezone.now)
    # Set when a worker claims the row; a claim older than the lease can be taken again.
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        abstract = True


def pending_index(name: str) -> models.Index:
    """An outbox table's index of the rows not sent yet, oldest first (what the sweep reads)."""
    return models.Index(fields=["created_at"], name=name, condition=models.Q(sent_at=None))


class OutboundEmail(OutboxRow):
    to = models.EmailField(_("destinataire"))
    subject = models.CharField(_("objet"), max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("courriel sortant")
        verbose_name_plural = _("courriels sortants")
        indexes = [pending_index("outbox_pending")]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"


class OutboundSms(OutboxRow):
    """A text message to send, written in the same transaction as the change it reports and
    delivered by a task through the configured backend (ess/sms.py)."""

    to = models.CharField(_("destinataire"), max_length=20)
    body = models.CharField(_("texte"), max_length=480)

    class Meta:
        verbose_name = _("SMS sortant")
        verbose_name_plural = _("SMS sortants")
        indexes = [pending_index("sms_outbox_pending")]

    def __str__(self) -> str:
        return f"{self.to}: {self.body[:40]}"


class OutboundTask(OutboxRow):
    """A Celery task recorded in the transaction of the change it follows (ess.outbox.task_queue):
    sent to the broker once that transaction commits and run once by a worker, which marks it
    sent in the transaction of the task's own writes. A broker outage leaves it unsent for the
    sweep (`sweep-pending-tasks`)."""

    task = models.CharField(_("tâche"), max_length=200)
    args = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("tâche différée")
        verbose_name_plural = _("tâches différées")
        indexes = [pending_index("task_outbox_pending")]

    def __str__(self) -> str:
        return f"{self.task}{tuple(self.args)}"


# ---------------------------------------------------------------------------------------------
# Notifications (in-app, and by email through the outbox)
# ---------------------------------------------------------------------------------------------
class NotificationKind(models.TextChoices):
    REFERRAL_NEW = "referral_new", _("Nouvelle demande")
    REFERRAL_OFFERED = "referral_offered", _("Demande proposée")
    REFERRAL_ASSIGNED = "referral_assigned", _("Demande qui vous est confiée")
    REFERRAL_ACCEPTED = "referral_accepted", _("Demande prise en charge")
    REFERRAL_DECLINED = "referral_declined", _("Demande refusée par un spécialiste")
    REFERRAL_INFO_REQUESTED = "referral_info_requested", _("Complément demandé")
    REFERRAL_INFO_RECEIVED = "referral_info_received", _("Complément reçu")
    REFERRAL_SCHEDULED = "referral_scheduled", _("Rendez-vous fixé")
    REFERRAL_ANSWERED = "referral_answered", _("Avis rendu")
    REFERRAL_COMPLETED = "referral_completed", _("Réponse disponible")
    REFERRAL_REORIENTED = "referral_reoriented", _("Demande réorientée")
    REFERRAL_CANCELLED = "referral_cancelled", _("Demande annulée")
    MESSAGE_NEW = "message_new", _("Nouveau message")
    SLA_NEARING = "sla_nearing", _("Échéance proche")
    SLA_OVERDUE = "sla_overdue", _("Échéance dépassée")
    CONVENTION_REMINDER = "convention_reminder", _("Convention : échéance ou évaluation")
    CONSULTATION = "consultation", _("Consultation avancée")
    # On-call rosters: a roster published, a swap asked or decided, a shift nobody covers.
    ON_CALL = "on_call", _("Garde")
    # Health project: a version submitted, validated, sent back, or commented.
    HEALTH_PROJECT = "health_project", _("Projet de santé")
    # A professional from outside the ESS's départements registered: the coordination decides.
    REGISTRATION = "registration", _("Inscription à valider")
    # An immediate opinion asked of the specialist on call (or escalated to the next one, then
    # to the coordinators).
    IMMEDIATE = "immediate", _("Avis immédiat")
    # Care pathways: a pathway opened or changed, a delegated task late, a result out of range
    # and the doctor's answer.
    PATHWAY = "pathway", _("Parcours de soins")
    PATHWAY_TASK = "pathway_task", _("Tâche déléguée")
    PATHWAY_ALERT = "pathway_alert", _("Alerte de parcours")
    # Case meetings (télé-RCP): an invitation, a case's decision.
    CASE_MEETING = "case_meeting", _("Télé-RCP")


class EmailChoice(models.TextChoices):
    IMMEDIATE = "immediate", _("Un courriel à chaque notification")
    DIGEST = "digest", _("Un récapitulatif quotidien")
    NONE = "none", _("Pas de courriel (sauf urgences)")


class NotificationEmail(models.TextChoices):
    PENDING_IMMEDIATE = "immediate", _("Courriel envoyé")
    DIGEST = "digest", _("Dans le récapitulatif")
    DIGESTED = "digested", _("Récapitulatif envoyé")
    NONE = "none", _("Sans courriel")


class Notification(PublicIdModel):
    """Something that concerns one person. Holds no patient data: a title naming the referral
    by its reference, and a link to sign in and see it."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=30, choices=NotificationKind.choices)
    title = models.CharField(_("titre"), max_length=200)
    # What the person needs to plan their work, told in the email too (a referral's priority and
    # due date): never patient data.
    detail = models.CharField(_("précisions"), max_length=200, blank=True)
    url = models.CharField(max_length=300)
    urgent = models.BooleanField(default=False)
    # Escalations and the like happen once: a second notify() with the same key is a no-op.
    dedupe_key = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    email_state = models.CharField(max_length=10, choices=NotificationEmail.choices)
    email = optional_fk(OutboundEmail, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("notification")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="notification_once_per_key",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            models.Index(
                fields=["recipient"], name="notification_unread", condition=models.Q(read_at=None)
            ),
            models.Index(
                fields=["recipient"],
                name="notification_digest",
                condition=models.Q(email_state="digest"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id}: {self.title}"
