"""A referral takes a place in scheduling's slots and sessions, and gives it back.

Scheduling holds the places and times and knows nothing of a referral's status; these services
decide whether a referral may be booked, and move it through its lifecycle in the same
transaction as scheduling reserves or releases the place.

Lock order (the same everywhere, see scheduling/services/__init__.py):

    referral → availability slot → consultation session

Every service here locks the referral's row first, then calls scheduling, which locks the slot
or the session. The referral transitions that free a place (decline, cancel, reorient:
`_release_slot` in referrals/services/common.py) hold the referral's lock the same way, so a
booking and a release of the same case never wait on each other in opposite orders.
"""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ess import workflow
from ess.errors import TransitionNotAllowed
from ess.models import NotificationKind
from ess.notifications import notify
from members.models import User
from referrals.models import Referral, ResponseMode, Status
from referrals.notifications import referral_notify
from referrals.services import referral_triage
from referrals.services.common import _save, _transition
from scheduling import permissions as scheduling_perms
from scheduling import selectors as scheduling_selectors
from scheduling import services as scheduling
from scheduling.models import Appointment, Booking, ConsultationSession
from scheduling.services import SessionFull, SlotFull
from scheduling.services.common import require as _require
from scheduling.services.common import starts as _when

__all__ = [
    "SessionFull",
    "SlotFull",
    "appointments_follow_session",
    "booking_cancel",
    "session_book",
    "slot_book",
]


def _locked(referral_id: int) -> Referral:
    return workflow.locked(Referral, referral_id)


def _require_consultation(referral: Referral) -> None:
    """A place (a slot, a session's appointment) is for a patient the specialist sees: an
    asynchronous opinion has none, whatever the page shows."""
    if referral.is_consultation:
        return
    if referral.response_mode:
        raise TransitionNotAllowed(
            _(
                "La demande %(ref)s est régulée en « %(mode)s » : le patient n'est pas reçu, "
                "il n'y a pas de rendez-vous à lui réserver. Pour une consultation, changez "
                "d'abord son mode de réponse à la régulation."
            )
            % {"ref": referral.reference, "mode": referral.get_response_mode_display()}
        )
    raise TransitionNotAllowed(
        _(
            "Le demandeur de %(ref)s attend un avis (télé-expertise), pas une consultation : "
            "régulez-la d'abord en consultation pour lui réserver un rendez-vous."
        )
        % {"ref": referral.reference}
    )


# ---------------------------------------------------------------------------------------------
# Slots (unscheduled care)
# ---------------------------------------------------------------------------------------------
@transaction.atomic
def slot_book(*, slot_id: int, referral_id: int, by: User) -> Booking:
    """A coordinator books a referral into a specialist's free slot.

    The referral's row is locked, then the slot's (scheduling.slot_reserve): two coordinators
    booking the slot's last place are served one after the other, the second gets SlotFull. A
    submitted or triaged referral is then triaged (offered) to the slot's specialist through
    referral_triage, keeping its priority (or the urgency asked) and response mode (urgent
    consultation by default). Booking the same referral into the same slot again is a no-op.

    Raises PermissionDenied (not a coordinator), SlotFull, TransitionNotAllowed (referral
    already booked elsewhere or past triage, an asynchronous opinion rather than a
    consultation, slot in the past), ValidationError (another specialty, specialist absent).
    """
    _require(scheduling_perms.can_book_slot(by))
    referral = _locked(referral_id)
    existing = scheduling_selectors.booking_for(referral.pk)
    if existing and existing.slot_id == slot_id:
        return existing
    if existing:
        raise TransitionNotAllowed(
            _("Cette demande a déjà un créneau le %(when)s : libérez-le d'abord.")
            % {"when": _when(existing.slot)}
        )
    if referral.status not in (Status.SUBMITTED, Status.TRIAGED):
        raise TransitionNotAllowed(
            _("La demande %(ref)s est « %(status)s » : on ne peut plus lui réserver de créneau.")
            % {"ref": referral.reference, "status": referral.get_status_display()}
        )
    _require_consultation(referral)
    if referral.response_mode == ResponseMode.ADVANCED_CONSULTATION:
        raise TransitionNotAllowed(
            _(
                "La demande %(ref)s est régulée en consultation avancée : réservez-lui une place "
                "d'une consultation avancée, ou changez d'abord son mode de réponse à la "
                "régulation pour un créneau au cabinet."
            )
            % {"ref": referral.reference}
        )
    booking = scheduling.slot_reserve(
        by=by, slot_id=slot_id, referral_id=referral.pk, specialty_id=referral.specialty_id
    )
    slot = booking.slot
    referral_triage(
        referral_id=referral.pk,
        by=by,
        priority=referral.effective_priority,
        response_mode=referral.response_mode or ResponseMode.URGENT_CONSULTATION,
        specialist=User.objects.get(pk=slot.specialist_id),
        note=_("Créneau réservé le %(when)s — %(where)s")
        % {"when": _when(slot), "where": slot.where},
    )
    return booking


@transaction.atomic
def booking_cancel(*, booking_id: int, by: User) -> None:
    """A coordinator frees a referral's slot (the referral itself is left as it is)."""
    _require(scheduling_perms.can_book_slot(by))
    referral_id = Booking.objects.values_list("referral_id", flat=True).get(pk=booking_id)
    _locked(referral_id)
    scheduling.booking_release_for_referral(referral_id=referral_id)


# ---------------------------------------------------------------------------------------------
# Advanced-consultation sessions
# ---------------------------------------------------------------------------------------------
@transaction.atomic
def session_book(*, by, session_id: int, referral_id: int) -> Appointment:
    """A coordinator books a referral into a published session to come.

    The referral's row is locked, then the session's (scheduling.appointment_reserve), so
    concurrent bookings of its last places are served one after the other. The referral becomes
    `scheduled` through the transition table: the session's specialist holds it, with the
    appointment time (the first free appointment) and place; a slot it held is given back first.
    Booking the same referral into the same session again is a no-op.

    Raises PermissionDenied (not a coordinator), SessionFull, TransitionNotAllowed (session not
    published or past, referral already booked, not bookable in its status or answered by
    télé-expertise), ValidationError
    (another specialty)."""
    _require(scheduling_perms.can_book_session(by))
    referral = _locked(referral_id)
    existing = scheduling_selectors.appointment_for(referral.pk)
    if existing and existing.session_id == session_id:
        return existing
    if existing:
        raise TransitionNotAllowed(
            _("La demande %(ref)s a déjà rendez-vous le %(when)s : libérez-le d'abord.")
            % {"ref": referral.reference, "when": _when(existing)}
        )
    if referral.status not in (Status.TRIAGED, Status.ACCEPTED):
        raise TransitionNotAllowed(
            _(
                "La demande %(ref)s est « %(status)s » : on ne peut plus lui réserver de "
                "consultation avancée."
            )
            % {"ref": referral.reference, "status": referral.get_status_display()}
        )
    _require_consultation(referral)
    # A slot booked earlier for this case is no longer needed; given back before the session is
    # locked (lock order). Undone with the rest if the session refuses.
    scheduling.booking_release_for_referral(referral_id=referral.pk)
    appointment = scheduling.appointment_reserve(
        by=by, session_id=session_id, referral_id=referral.pk, specialty_id=referral.specialty_id
    )
    session = appointment.session
    starts_at = appointment.starts_at
    location = scheduling.session_location(session)
    taken = {}  # straight from the offer, if there was one
    if referral.status == Status.TRIAGED:
        taken = {
            "taken_from_offer_to_id": referral.offered_to_id,
            "taken_from_pool": referral.offered_to_pool,
        }
    _transition(
        referral,
        to=Status.SCHEDULED,
        by=by,
        note=_("Consultation avancée le %(when)s — %(where)s")
        % {"when": timezone.localtime(starts_at).strftime("%d/%m/%Y %H:%M"), "where": location},
    )
    _save(
        referral,
        specialist_id=session.specialist_id,
        response_mode=ResponseMode.ADVANCED_CONSULTATION,
        appointment_at=starts_at,
        appointment_location=location,
        accepted_at=referral.accepted_at or timezone.now(),
        offered_to=None,
        offered_to_pool=False,
        **taken,
    )
    referral_notify(referral, NotificationKind.REFERRAL_SCHEDULED, actor=by)
    notify(
        recipients=[session.specialist],
        kind=NotificationKind.CONSULTATION,
        title=lambda: (
            _("Nouveau rendez-vous en consultation avancée : %(ref)s, %(when)s")
            % {
                "ref": referral.reference,
                "when": timezone.localtime(starts_at).strftime("%d/%m %H:%M"),
            }
        ),
        url=reverse("referrals:detail", args=[referral.public_id]),
        actor=by,
    )
    return appointment


# ---------------------------------------------------------------------------------------------
# Following a session that changes hands
# ---------------------------------------------------------------------------------------------
def appointments_follow_session(sender, *, session: ConsultationSession, specialist, **kwargs):
    """Receiver of scheduling's session_handed_over: the referrals booked into a session are held
    by its specialist, so they pass to the colleague with it (their rows are already locked by
    swap_decide, before the session)."""
    Referral.objects.filter(consultation_appointment__session=session).update(
        specialist=specialist, updated_at=timezone.now()
    )
