"""Immediate opinions ("avis immédiat"): what a referral asked during on-call hours adds — the
number to call back, the video room, the acknowledgement and the alerts sent. Kept beside
`models.py` (which re-exports them) to keep each module short."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ess.fields import optional_fk


class AcknowledgeMode(models.TextChoices):
    CALLBACK = "callback", _("Rappel téléphonique")
    VIDEO = "video", _("Salle vidéo")


def new_room_name() -> str:
    # 128 random bits: nobody reaches a room by guessing its name.
    return f"ess-{secrets.token_hex(16)}"


class ImmediateRequest(models.Model):
    referral = models.OneToOneField(
        "referrals.Referral", on_delete=models.CASCADE, related_name="immediate_request"
    )
    callback_phone = models.CharField(_("numéro de rappel"), max_length=30)
    # The room of the video service (settings.ESS_VIDEO_BASE_URL) the specialist may open.
    room = models.CharField(max_length=64, unique=True, default=new_room_name)
    # How the specialist answered the alert (blank until then).
    mode = models.CharField(
        _("réponse à l'alerte"), max_length=10, choices=AcknowledgeMode.choices, blank=True
    )
    # The last level alerted (1 = the first on call) and when the next one is due; None once
    # acknowledged or once the coordinators, the last level, were alerted.
    level = models.PositiveSmallIntegerField(default=1)
    next_alert_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("avis immédiat")
        indexes = [
            models.Index(
                fields=["next_alert_at"],
                name="immediate_escalation_due",
                condition=Q(next_alert_at__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.referral_id} niveau {self.level}"

    @property
    def video_url(self) -> str:
        base = settings.ESS_VIDEO_BASE_URL
        return f"{base}/{self.room}" if base else ""


class ImmediateAlert(models.Model):
    """One alert level of an immediate opinion: the specialist on call at a rank, or (no
    recipient) the coordinators. Each level is alerted once: the database says so."""

    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.CASCADE, related_name="immediate_alerts"
    )
    level = models.PositiveSmallIntegerField()
    # None: the coordinators, alerted when nobody on call acknowledged.
    recipient = optional_fk(settings.AUTH_USER_MODEL, related_name="immediate_alerts")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["referral", "level"]
        constraints = [
            models.UniqueConstraint(fields=["referral", "level"], name="immediate_alert_once"),
            models.UniqueConstraint(
                fields=["referral", "recipient"],
                condition=Q(recipient__isnull=False),
                name="immediate_alert_person_once",
            ),
        ]
        indexes = [models.Index(fields=["recipient", "referral"], name="immediate_alert_by_user")]

    def __str__(self) -> str:
        return f"{self.referral_id} #{self.level}"
