"""Writes on availability: specialists publish slots and absences; coordinators book
referrals into slots (capacity held by the slot's row lock and a database check)."""

import uuid
from datetime import date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from members import permissions as perms
from members.models import Absence, AvailabilitySlot, Booking, User
from referrals.models import Referral, ResponseMode, Status
from referrals.services import TransitionNotAllowed, referral_triage

MAX_WEEKS = 26
MAX_CAPACITY = 20


class SlotFull(TransitionNotAllowed):
    """Every place of the slot is taken (HTTP 409)."""


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _when(slot: AvailabilitySlot) -> str:
    return timezone.localtime(slot.starts_at).strftime("%d/%m/%Y %H:%M")


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
) -> list[AvailabilitySlot]:
    """A specialist opens a slot for unscheduled care, once or every week for `weeks` weeks
    (one concrete slot per week, sharing a series id). Times are Paris local time.
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
            )
        )
    return AvailabilitySlot.objects.bulk_create(slots)


@transaction.atomic
def slot_delete(*, by: User, slot_id: int) -> None:
    """The specialist withdraws a slot nobody is booked into (ValidationError otherwise)."""
    slot = AvailabilitySlot.objects.select_for_update().get(pk=slot_id)
    _require(perms.can_manage_slot(by, slot))
    if slot.booked:
        raise ValidationError(
            _("Ce créneau a %(n)d réservation(s) : demandez à la coordination de les déplacer.")
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


@transaction.atomic
def slot_book(*, slot_id: int, referral_id: int, by: User) -> Booking:
    """A coordinator books a referral into a specialist's free slot.

    The slot's row is locked first, so two coordinators booking its last place are served one
    after the other: the second gets SlotFull. A submitted or triaged referral is then triaged
    (offered) to the slot's specialist through referral_triage, keeping its priority (or the
    urgency asked) and response mode (urgent consultation by default). Booking the same
    referral into the same slot again is a no-op.

    Raises PermissionDenied (not a coordinator), SlotFull, TransitionNotAllowed (referral
    already booked elsewhere or past triage, slot in the past), ValidationError (another
    specialty, specialist absent).
    """
    _require(perms.can_book_slot(by))
    slot = AvailabilitySlot.objects.select_for_update().get(pk=slot_id)
    existing = Booking.objects.filter(referral_id=referral_id).select_related("slot").first()
    if existing and existing.slot_id == slot.pk:
        return existing
    if existing:
        raise TransitionNotAllowed(
            _("Cette demande a déjà un créneau le %(when)s : libérez-le d'abord.")
            % {"when": _when(existing.slot)}
        )
    referral = Referral.objects.get(pk=referral_id)
    if slot.specialty_id != referral.specialty_id:
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
    if referral.status not in (Status.SUBMITTED, Status.TRIAGED):
        raise TransitionNotAllowed(
            _("La demande %(ref)s est « %(status)s » : on ne peut plus lui réserver de créneau.")
            % {"ref": referral.reference, "status": referral.get_status_display()}
        )
    referral_triage(
        referral_id=referral.pk,
        by=by,
        priority=referral.priority or referral.urgency_requested,
        response_mode=referral.response_mode or ResponseMode.URGENT_CONSULTATION,
        specialist=User.objects.get(pk=slot.specialist_id),
        note=_("Créneau réservé le %(when)s — %(where)s")
        % {"when": _when(slot), "where": slot.where},
    )
    booking = Booking.objects.create(slot=slot, referral_id=referral.pk, booked_by=by)
    AvailabilitySlot.objects.filter(pk=slot.pk).update(booked=F("booked") + 1)
    return booking


@transaction.atomic
def booking_cancel(*, booking_id: int, by: User) -> None:
    """A coordinator frees a referral's slot (the referral itself is left as it is)."""
    _require(perms.can_book_slot(by))
    booking = Booking.objects.get(pk=booking_id)
    AvailabilitySlot.objects.select_for_update().get(pk=booking.slot_id)
    booking.delete()
    AvailabilitySlot.objects.filter(pk=booking.slot_id).update(booked=F("booked") - 1)


def booking_release_for_referral(*, referral_id: int) -> bool:
    """Free the slot a referral held when the case leaves that specialist (declined, cancelled,
    reoriented). Called inside the referral's transition; returns whether a slot was freed."""
    booking = Booking.objects.filter(referral_id=referral_id).first()
    if booking is None:
        return False
    AvailabilitySlot.objects.select_for_update().get(pk=booking.slot_id)
    booking.delete()
    AvailabilitySlot.objects.filter(pk=booking.slot_id).update(booked=F("booked") - 1)
    return True
