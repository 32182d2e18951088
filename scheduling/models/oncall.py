"""On-call rosters: the spans of time during which named specialists of one specialty answer
immediate requests ("avis immédiat"), first on call then their backups; the specialists who
volunteer for them, and the swaps between them that a manager approves."""

from dataclasses import dataclass
from datetime import time

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ess.fields import PublicIdModel
from ess.model_bases import ends_after_start
from ess.workflow import Stateful, status_field
from scheduling.models.consultations import Swap


class ShiftPreset(models.TextChoices):
    """The usual on-call spans; their hours are in SHIFT_PRESET_HOURS."""

    MORNING = "morning", _("Matin")
    AFTERNOON = "afternoon", _("Après-midi")
    EVENING = "evening", _("Soirée")
    NIGHT = "night", _("Nuit")


@dataclass(frozen=True)
class PresetHours:
    start: time
    end: time  # on the next day when not after `start` (the night)


# The one definition of the presets' hours (Europe/Paris), documented in docs/features.md.
SHIFT_PRESET_HOURS: dict[str, PresetHours] = {
    ShiftPreset.MORNING: PresetHours(time(8), time(13)),
    ShiftPreset.AFTERNOON: PresetHours(time(13), time(18)),
    ShiftPreset.EVENING: PresetHours(time(18), time(22)),
    ShiftPreset.NIGHT: PresetHours(time(22), time(8)),
}


class ShiftStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    PUBLISHED = "published", _("Publiée")


# The only definition of what may follow what for a shift: a roster is prepared, then published.
SHIFT_TRANSITIONS: dict[str, frozenset[str]] = {
    ShiftStatus.DRAFT: frozenset({ShiftStatus.PUBLISHED}),
    ShiftStatus.PUBLISHED: frozenset(),
}


class OnCallShift(Stateful, PublicIdModel):
    """One on-call span of a specialty (a half-day, or any custom span). Who is on call is in
    its duties, ranked: rank 1 is alerted first, then rank 2, and so on. Only the duties of a
    published shift are called; the roster's services create shifts as drafts, the proposal a
    manager reviews before publishing (a shift written directly is published by default)."""

    transitions = SHIFT_TRANSITIONS

    specialty = models.ForeignKey(
        "ess.Specialty", on_delete=models.PROTECT, related_name="+", verbose_name=_("spécialité")
    )
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    status = status_field(ShiftStatus, default=ShiftStatus.PUBLISHED, max_length=12)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("garde")
        ordering = ["starts_at", "pk"]
        constraints = [
            ends_after_start("oncall_shift_ends_after", "starts_at", "ends_at", strict=True)
        ]
        indexes = [
            models.Index(fields=["specialty", "starts_at"], name="oncall_shift_by_start"),
            models.Index(fields=["specialty", "ends_at"], name="oncall_shift_by_end"),
        ]

    def __str__(self) -> str:
        start = timezone.localtime(self.starts_at)
        return f"{self.specialty} {start:%d/%m/%Y %H:%M}"

    @property
    def is_published(self) -> bool:
        return self.status == ShiftStatus.PUBLISHED

    @property
    def has_started(self) -> bool:
        """Begun: it stays on the roster (never deleted)."""
        return self.starts_at <= timezone.now()

    @property
    def span(self) -> str:
        """ "07/12/2026 08:00 – 13:00", or with the end's date when it ends another day."""
        start, end = timezone.localtime(self.starts_at), timezone.localtime(self.ends_at)
        if start.date() == end.date():
            return f"{start:%d/%m/%Y %H:%M} – {end:%H:%M}"
        return f"{start:%d/%m/%Y %H:%M} – {end:%d/%m/%Y %H:%M}"


class OnCallDuty(models.Model):
    """A specialist on call during a shift, at a rank (1 = first called)."""

    shift = models.ForeignKey(OnCallShift, on_delete=models.CASCADE, related_name="duties")
    specialist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="on_call_duties",
        verbose_name=_("spécialiste"),
    )
    rank = models.PositiveSmallIntegerField(_("rang"), default=1)

    class Meta:
        verbose_name = _("astreinte")
        ordering = ["shift", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["shift", "specialist"], name="oncall_duty_once"),
            models.UniqueConstraint(fields=["shift", "rank"], name="oncall_duty_rank_once"),
            models.CheckConstraint(condition=Q(rank__gte=1), name="oncall_duty_rank_positive"),
        ]
        indexes = [models.Index(fields=["specialist", "shift"], name="oncall_duty_by_specialist")]

    def __str__(self) -> str:
        return f"{self.shift} #{self.rank} {self.specialist}"


class OnCallRoster(models.Model):
    """A specialty's on-call team: the specialists who volunteer to be on call, among whom the
    roster is shared out."""

    specialty = models.OneToOneField(
        "ess.Specialty", on_delete=models.PROTECT, related_name="+", verbose_name=_("spécialité")
    )
    volunteers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="on_call_rosters",
        blank=True,
        verbose_name=_("spécialistes volontaires"),
    )

    class Meta:
        verbose_name = _("tableau de garde")

    def __str__(self) -> str:
        return str(self.specialty_id)


class OnCallSwap(Swap):
    """A specialist on duty asks to hand the duty to a colleague; a manager decides."""

    duty = models.ForeignKey(OnCallDuty, on_delete=models.CASCADE, related_name="swaps")

    class Meta(Swap.Meta):
        verbose_name = _("échange de garde")
        constraints = [
            models.UniqueConstraint(
                fields=["duty"], condition=Q(status="pending"), name="oncall_swap_one_pending"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.duty_id} {self.status}"
