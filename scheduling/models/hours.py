"""The ESS's opening hours and closures: when the coordination answers. Public holidays come
from the `holidays` library (scheduling/hours.py), not from a table."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ess.fields import PublicIdModel, optional_fk
from ess.model_bases import ends_after_start
from scheduling.models.consultations import Weekday

# Every day of the week: the advanced consultations' weekdays (Monday to Saturday) and Sunday.
Day = models.IntegerChoices(
    "Day",
    [(day.name, (day.value, day.label)) for day in Weekday] + [("SUNDAY", (6, _("dimanche")))],
)


class OpeningRange(PublicIdModel):
    """One range of a weekday's opening hours (a day may have several: morning, afternoon)."""

    weekday = models.PositiveSmallIntegerField(_("jour"), choices=Day.choices)
    opens_at = models.TimeField(_("ouverture"))
    closes_at = models.TimeField(_("fermeture"))

    class Meta:
        verbose_name = _("plage d'ouverture")
        ordering = ["weekday", "opens_at"]
        constraints = [
            ends_after_start("opening_range_opens_first", "opens_at", "closes_at", strict=True),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="opening_range_weekday"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"


class Closure(PublicIdModel):
    """Days the ESS is closed whatever its weekly hours (e.g. the summer closure), both ends
    included."""

    starts_on = models.DateField(_("du"))
    ends_on = models.DateField(_("au"))
    reason = models.CharField(_("motif"), max_length=200)
    created_by = optional_fk(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("fermeture")
        ordering = ["starts_on"]
        constraints = [ends_after_start("closure_ends_after_start")]

    def __str__(self) -> str:
        return f"{self.starts_on:%d/%m/%Y}–{self.ends_on:%d/%m/%Y} {self.reason}"
