"""What every scheduling service shares: its refusals and small helpers."""

from django.urls import reverse
from django.utils import timezone

from ess.errors import TransitionNotAllowed
from ess.permissions import require as require  # the services' actor check
from ess.roles import Role
from members.models import User


class SlotFull(TransitionNotAllowed):
    """Every place of the slot is taken (HTTP 409)."""


class SessionFull(TransitionNotAllowed):
    """Every appointment of the session is taken (HTTP 409)."""


def starts(obj) -> str:
    """When a slot or a session starts, in Paris time, as the messages say it."""
    return timezone.localtime(obj.starts_at).strftime("%d/%m/%Y %H:%M")


def managers():
    return User.objects.filter(role_grants__role=Role.MANAGER, is_active=True).distinct()


def consultations_url() -> str:
    return reverse("scheduling:consultations")


def release_place(place_model, within_model, within_field: str, *, referral_id: int):
    """Delete the place (a Booking, an Appointment) a referral holds, after locking the row it
    sits in (its slot, its session). Returns that row's id when this call deleted the place,
    else None: counters built on it never drop twice. Runs inside the caller's transaction."""
    place = place_model.objects.filter(referral_id=referral_id).first()
    if place is None:
        return None
    within_id = getattr(place, within_field)
    within_model.objects.select_for_update().get(pk=within_id)
    return within_id if place_model.objects.filter(pk=place.pk).delete()[0] else None
