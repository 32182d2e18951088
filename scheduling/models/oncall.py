"""On-call rosters: the spans of time during which named specialists of one specialty answer
immediate requests ("avis immédiat"), first on call then their backups."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ess.fields import PublicIdModel


class OnCallShift(PublicIdModel):
    """One on-call span of a specialty (a half-day, or any custom span). Who is on call is in
    its duties, ranked: rank 1 is alerted first, then rank 2, and so on."""

    specialty = models.ForeignKey(
        "ess.Specialty", on_delete=models.PROTECT, related_name="+", verbose_name=_("spécialité")
    )
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("garde")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="oncall_shift_ends_after"
            ),
        ]
        indexes = [
            models.Index(fields=["specialty", "starts_at"], name="oncall_shift_by_start"),
            models.Index(fields=["specialty", "ends_at"], name="oncall_shift_by_end"),
        ]

    def __str__(self) -> str:
        start = timezone.localtime(self.starts_at)
        return f"{self.specialty} {start:%d/%m/%Y %H:%M}"


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
