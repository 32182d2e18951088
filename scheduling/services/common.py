"""What every scheduling service shares: its refusals and small helpers."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

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


def run_refusal(user: User, *, specialty_id, protocol=None, where: str = "plan", today=None) -> str:
    """Why `user` may not run the sessions of a plan (`where="plan"`) or one session
    (`"session"`) of `specialty_id` ("" when they may), in French. An active specialist of the
    specialty may; under a protocol (a nurse-led consultation), so may an active paramedic who
    is one of its delegates, while its convention is in force."""
    roles = user.roles
    if user.is_active and Role.SPECIALIST in roles and user.specialty_id == specialty_id:
        return ""
    if protocol is None or Role.PARAMEDIC not in roles or not user.is_active:
        if where == "session":
            message = _("%(who)s n'exerce pas la spécialité de cette consultation.")
        else:
            message = _("%(who)s n'exerce pas la spécialité de ce programme.")
        return message % {"who": user.display_name}
    convention = protocol.convention
    if not convention.is_in_force(today):
        return _(
            "Le protocole « %(protocol)s » n'est pas en vigueur (convention « %(status)s ») : "
            "%(who)s ne peut pas consulter sous ce protocole."
        ) % {
            "protocol": convention.title,
            "status": convention.get_status_display(),
            "who": user.display_name,
        }
    if not protocol.delegates.filter(pk=user.pk).exists():
        return _("%(who)s ne fait pas partie des délégués du protocole « %(protocol)s ».") % {
            "who": user.display_name,
            "protocol": convention.title,
        }
    return ""
