"""Case meetings (télé-RCP): multidisciplinary case discussions per specialty or theme, with
their participants (members, or invited partners' professionals), the cases on the agenda (from
referrals or pathways), attendance, and the decision written into each case's timeline."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ess.fields import PublicIdModel, optional_fk
from ess.model_bases import Timestamped, Titled
from ess.workflow import Stateful, status_field


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Programmée")
    HELD = "held", _("Tenue")
    CANCELLED = "cancelled", _("Annulée")


MEETING_TRANSITIONS: dict[str, frozenset[str]] = {
    MeetingStatus.PLANNED: frozenset({MeetingStatus.HELD, MeetingStatus.CANCELLED}),
    MeetingStatus.HELD: frozenset(),
    MeetingStatus.CANCELLED: frozenset(),
}


class CaseMeeting(Stateful, Titled, Timestamped, PublicIdModel):
    transitions = MEETING_TRANSITIONS

    specialty = optional_fk("ess.Specialty", _("spécialité"), related_name="+")
    theme = models.CharField(_("thème"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("date et heure"))
    duration_minutes = models.PositiveSmallIntegerField(_("durée (minutes)"), default=60)
    video_url = models.URLField(_("lien de visioconférence"), blank=True)
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="meetings_organised",
        verbose_name=_("organisateur"),
    )
    status = status_field(MeetingStatus, default=MeetingStatus.PLANNED, max_length=10)
    cancel_reason = models.TextField(_("motif d'annulation"), blank=True)
    held_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("télé-RCP")
        verbose_name_plural = _("télé-RCP")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=MeetingStatus.CANCELLED) | ~Q(cancel_reason=""),
                name="meeting_cancelled_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5), name="meeting_duration_positive"
            ),
        ]
        indexes = [models.Index(fields=["status", "starts_at"], name="meeting_by_status")]


class MeetingParticipant(models.Model):
    """Someone taking part: a member of the ESS (an account), or a professional of a partner
    invited through their contact. Attendance is recorded once the meeting is held."""

    meeting = models.ForeignKey(CaseMeeting, on_delete=models.CASCADE, related_name="participants")
    user = optional_fk(settings.AUTH_USER_MODEL, related_name="meeting_participations")
    contact = optional_fk("partners.Contact", related_name="meeting_participations")
    # None until the meeting is held; then present or absent.
    attended = models.BooleanField(_("présent"), null=True, blank=True)
    invited_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("participant")
        ordering = ["meeting", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False, contact__isnull=True)
                | Q(user__isnull=True, contact__isnull=False),
                name="meeting_participant_is_one_person",
            ),
            models.UniqueConstraint(
                fields=["meeting", "user"],
                condition=Q(user__isnull=False),
                name="meeting_participant_user_once",
            ),
            models.UniqueConstraint(
                fields=["meeting", "contact"],
                condition=Q(contact__isnull=False),
                name="meeting_participant_contact_once",
            ),
        ]
        indexes = [models.Index(fields=["user", "meeting"], name="meeting_participant_by_user")]

    def __str__(self) -> str:
        return str(self.user or self.contact)


class MeetingCase(PublicIdModel):
    """A case on the agenda, from a referral or a pathway (or both: a pathway's referral). Its
    decision goes into the case's timeline, and the GP is told the outcome."""

    meeting = models.ForeignKey(CaseMeeting, on_delete=models.CASCADE, related_name="cases")
    referral = optional_fk(
        "referrals.Referral", on_delete=models.CASCADE, related_name="meeting_cases"
    )
    pathway = optional_fk(
        "pathways.Pathway", on_delete=models.CASCADE, related_name="meeting_cases"
    )
    question = models.TextField(_("question posée"))
    presented_by = optional_fk(settings.AUTH_USER_MODEL, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)
    decision = models.TextField(_("décision"), blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = optional_fk(settings.AUTH_USER_MODEL, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("dossier discuté")
        verbose_name_plural = _("dossiers discutés")
        ordering = ["meeting", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(referral__isnull=False) | Q(pathway__isnull=False),
                name="meeting_case_has_a_case",
            ),
            models.CheckConstraint(
                condition=Q(decided_at__isnull=True) | ~Q(decision=""),
                name="meeting_case_decision_has_text",
            ),
            models.UniqueConstraint(
                fields=["meeting", "referral"],
                condition=Q(referral__isnull=False),
                name="meeting_case_referral_once",
            ),
            models.UniqueConstraint(
                fields=["meeting", "pathway"],
                condition=Q(pathway__isnull=False),
                name="meeting_case_pathway_once",
            ),
        ]
        indexes = [
            models.Index(fields=["decided_at"], name="meeting_case_decided"),
        ]

    def __str__(self) -> str:
        return self.question[:50]
