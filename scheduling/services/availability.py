"""Writes on availability: specialists publish slots and absences; a place of a slot is taken
for a referral (capacity held by the slot's row lock and a database check) and given back."""

import uuid
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ess.errors import TransitionNotAllowed
from members.models import User
from scheduling import permissions as perms
from scheduling.models import Absence, AvailabilitySlot, Booking
from scheduling.rota import Availability, SessionSlot
from scheduling.services.common import SlotFull, release_place
from scheduling.services.common import require as _require
from scheduling.services.common import starts as _when

MAX_WEEKS = 26
MAX_CAPACITY = 20


@transaction.atomic
def slot_publish(
    *,
    by: User,
    day: date,
    start: time,
    end: time,
    teleconsultation: bool,
    place: str = "",
    capacity: int = 1,
    weeks: int = 1,
    sas_open: bool = False,
) -> list[AvailabilitySlot]:
    """A specialist opens a slot for unscheduled care, once or every week for `weeks` weeks
    (one concrete slot per week, sharing a series id), offered to the SAS too when `sas_open`
    (every slot of the series alike). Times are Paris local time.
    Raises PermissionDenied (not a specialist), ValidationError (times, place, capacity)."""
    _require(perms.can_publish_slots(by))
    errors = {}
    if by.specialty_id is None:
        errors["day"] = _("Votre spécialité n'est pas renseignée : contactez la direction.")
    if end <= start:
        errors["end"] = _("L'heure de fin doit suivre l'heure de début.")
    if not teleconsultation and not place.strip():
        errors["place"] = _("Indiquez le lieu, ou cochez « téléconsultation ».")
    if not 1 <= capacity <= MAX_CAPACITY:
        errors["capacity"] = _("De 1 à %d patients par créneau.") % MAX_CAPACITY
    if not 1 <= weeks <= MAX_WEEKS:
        errors["weeks"] = _("De 1 à %d semaines.") % MAX_WEEKS
    first = timezone.make_aware(datetime.combine(day, start))
    if first <= timezone.now():
        errors.setdefault("day", _("Le créneau doit être à venir."))
    if errors:
        raise ValidationError(errors)
    User.objects.select_for_update().filter(pk=by.pk).first()  # one publication at a time
    series = uuid.uuid4() if weeks > 1 else None
    slots = []
    for week in range(weeks):
        on = day + timedelta(weeks=week)
        slots.append(
            AvailabilitySlot(
                specialist=by,
                specialty_id=by.specialty_id,
                # make_aware per date: each week keeps its wall-clock time across DST changes.
                starts_at=timezone.make_aware(datetime.combine(on, start)),
                ends_at=timezone.make_aware(datetime.combine(on, end)),
                teleconsultation=teleconsultation,
                place="" if teleconsultation else place.strip(),
                capacity=capacity,
                series=series,
                sas_open=sas_open,
            )
        )
    _check_free(by, slots)
    return AvailabilitySlot.objects.bulk_create(slots)


def _check_free(by: User, slots: list[AvailabilitySlot]) -> None:
    """A specialist is never in two places at once: no new slot may overlap one of their slots,
    a session of advanced consultation they run, or an absence (ValidationError naming the
    first week that does)."""
    agenda = Availability([by.pk], slots[0].starts_at, slots[-1].ends_at)
    for slot in slots:
        why = agenda.conflict(by.pk, SessionSlot(None, slot.starts_at, slot.ends_at))
        if why:
            raise ValidationError(
                {
                    "start": _("Le créneau du %(when)s est impossible : %(why)s.")
                    % {"when": _when(slot), "why": why}
                }
            )


@transaction.atomic
def slot_sas_set(*, by: User, slot_id: int, sas_open: bool) -> int:
    """The specialist opens a slot to the SAS, or closes it; a slot of a weekly series carries
    the choice to the series' slots to come. Returns the number of slots changed. Places already
    booked stay booked. Raises PermissionDenied (not the slot's specialist)."""
    slot = AvailabilitySlot.objects.select_for_update().get(pk=slot_id)
    _require(perms.can_manage_slot(by, slot))
    same = AvailabilitySlot.objects.filter(pk=slot.pk)
    if slot.series is not None:
        same = AvailabilitySlot.objects.filter(
            specialist_id=slot.specialist_id, series=slot.series, starts_at__gte=slot.starts_at
        )
    return same.exclude(sas_open=sas_open).update(sas_open=sas_open)


@transaction.atomic
def slot_delete(*, by: User, slot_id: int) -> None:
    """The specialist withdraws a slot nobody is booked into (ValidationError otherwise)."""
    slot = AvailabilitySlot.objects.select_for_update().get(pk=slot_id)
    _require(perms.can_manage_slot(by, slot))
    if slot.booked:
        raise ValidationError(
            ngettext(
                "Ce créneau a %(n)d réservation : demandez à la coordination de la déplacer.",
                "Ce créneau a %(n)d réservations : demandez à la coordination de les déplacer.",
                slot.booked,
            )
            % {"n": slot.booked}
        )
    slot.delete()


def absence_record(*, by: User, starts_on: date, ends_on: date, reason: str = "") -> Absence:
    """A specialist records an absence: not suggested for triage, slots hidden meanwhile."""
    _require(perms.can_publish_slots(by))
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("La fin de l'absence ne peut précéder son début.")})
    return Absence.objects.create(
        specialist=by, starts_on=starts_on, ends_on=ends_on, reason=reason.strip()
    )


def absence_delete(*, by: User, absence_id: int) -> None:
    absence = Absence.objects.get(pk=absence_id)
    _require(perms.can_publish_slots(by) and absence.specialist_id == by.pk)
    absence.delete()


def slot_reserve(*, by, slot_id: int, referral_id: int, specialty_id: int) -> Booking:
    """Take one place of a slot to come for `referral_id`.

    Runs inside the caller's transaction, which has already locked the referral's row: the
    slot's row is locked here, second, so two coordinators booking its last place are served
    one after the other (the second gets SlotFull; the check constraint on `booked` is the
    database's backstop). The caller checks who may book and whether the referral may be booked,
    and that it holds no other slot.

    Raises ValidationError (another specialty, specialist absent that day), TransitionNotAllowed
    (slot in the past), SlotFull."""
    slot = AvailabilitySlot.objects.select_for_update().get(pk=slot_id)
    if slot.specialty_id != specialty_id:
        raise ValidationError(_("Ce créneau est celui d'une autre spécialité."))
    if slot.starts_at <= timezone.now():
        raise TransitionNotAllowed(_("Ce créneau est passé."))
    day = timezone.localtime(slot.starts_at).date()
    if Absence.objects.filter(
        specialist_id=slot.specialist_id, starts_on__lte=day, ends_on__gte=day
    ).exists():
        raise ValidationError(_("Le spécialiste est absent ce jour-là."))
    if slot.is_full:
        raise SlotFull(
            _("Le créneau du %(when)s est complet : choisissez-en un autre.")
            % {"when": _when(slot)}
        )
    booking = Booking.objects.create(slot=slot, referral_id=referral_id, booked_by=by)
    AvailabilitySlot.objects.filter(pk=slot.pk).update(booked=F("booked") + 1)
    return booking


def booking_release_for_referral(*, referral_id: int) -> bool:
    """Give back the place a referral held in a slot (freed by a coordinator, or the case left
    that specialist: declined, cancelled, reoriented, booked into an advanced consultation).
    Runs inside the caller's transaction, after the referral's row lock; returns whether a place
    was freed."""
    slot_id = release_place(Booking, AvailabilitySlot, "slot_id", referral_id=referral_id)
    if slot_id is None:
        return False
    AvailabilitySlot.objects.filter(pk=slot_id).update(booked=F("booked") - 1)
    return True
