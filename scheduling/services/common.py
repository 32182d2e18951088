"""What every scheduling service shares: its refusals and small helpers."""

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from ess import errors
from ess.roles import Role
from members.models import User


class TransitionNotAllowed(errors.TransitionNotAllowed):
    """The place or time cannot be taken, or the session or swap's status does not allow the
    action (HTTP 409)."""


class SlotFull(TransitionNotAllowed):
    """Every place of the slot is taken (HTTP 409)."""


class SessionFull(TransitionNotAllowed):
    """Every appointment of the session is taken (HTTP 409)."""


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def starts(obj) -> str:
    """When a slot or a session starts, in Paris time, as the messages say it."""
    return timezone.localtime(obj.starts_at).strftime("%d/%m/%Y %H:%M")


def managers():
    return User.objects.filter(role_grants__role=Role.MANAGER, is_active=True).distinct()


def consultations_url() -> str:
    return reverse("scheduling:consultations")
