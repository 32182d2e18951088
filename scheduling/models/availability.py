"""Specialists' availability: slots for unscheduled care, the referrals booked into them,
absences."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ess.fields import PublicIdModel, actor_fk
from ess.model_bases import ends_after_start


class AvailabilitySlot(PublicIdModel):
    """A concrete slot a specialist opens for unscheduled care. A weekly rule is materialised
    as one slot per week sharing a `series` id, so every slot is booked and counted alike."""

    specialist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="slots"
    )
    # The specialist's specialty when the slot was published: "next free slots per specialty".
    specialty = models.ForeignKey("ess.Specialty", on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    teleconsultation = models.BooleanField(_("téléconsultation"), default=False)
    place = models.CharField(_("lieu"), max_length=200, blank=True)
    capacity = models.PositiveSmallIntegerField(_("nombre de patients"), default=1)
    # Kept equal to the number of bookings under the slot's row lock; the check below makes
    # overbooking impossible even for a writer that forgot the lock.
    booked = models.PositiveSmallIntegerField(default=0)
    series = models.UUIDField(null=True, blank=True, db_index=True)
    # The specialist offers the slot's free places to the SAS (service d'accès aux soins), which
    # reads them through `/fhir/Slot`. Every slot of a weekly series carries its series' choice.
    sas_open = models.BooleanField(_("ouvert au SAS"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("créneau")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="slot_capacity_positive"),
            models.CheckConstraint(
                condition=Q(booked__lte=F("capacity")), name="slot_never_overbooked"
            ),
            ends_after_start("slot_ends_after", "starts_at", "ends_at", strict=True),
            models.CheckConstraint(
                condition=Q(teleconsultation=True) | ~Q(place=""), name="slot_has_place"
            ),
        ]
        indexes = [
            models.Index(fields=["specialty", "starts_at"], name="slot_by_specialty"),
            models.Index(fields=["specialist", "starts_at"], name="slot_by_specialist"),
        ]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.starts_at):%d/%m/%Y %H:%M} {self.specialist}"

    @property
    def is_full(self) -> bool:
        return self.booked >= self.capacity

    @property
    def free(self) -> int:
        return self.capacity - self.booked

    @property
    def where(self) -> str:
        return str(_("Téléconsultation")) if self.teleconsultation else self.place


class Booking(PublicIdModel):
    """A referral booked into a slot by a coordinator. A referral holds at most one slot."""

    slot = models.ForeignKey(AvailabilitySlot, on_delete=models.PROTECT, related_name="bookings")
    referral = models.OneToOneField(
        "referrals.Referral", on_delete=models.CASCADE, related_name="booking"
    )
    booked_by = actor_fk()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("réservation de créneau")

    def __str__(self) -> str:
        return f"{self.referral_id} → {self.slot_id}"


class Absence(PublicIdModel):
    """Holidays and other absences: the specialist is not suggested for triage meanwhile and
    their slots in the period are not offered."""

    specialist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="absences"
    )
    starts_on = models.DateField(_("du"))
    ends_on = models.DateField(_("au (inclus)"))
    reason = models.CharField(_("motif (facultatif)"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("absence")
        ordering = ["starts_on"]
        constraints = [ends_after_start("absence_ends_after_start")]
        indexes = [models.Index(fields=["specialist", "ends_on"], name="absence_by_specialist")]

    def __str__(self) -> str:
        return f"{self.specialist} {self.starts_on}–{self.ends_on}"
