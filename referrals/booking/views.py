"""The booking panels of the referral page: a coordinator books the referral into a free slot of
its specialty or into an advanced-consultation session, or frees its slot."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ess.errors import TransitionNotAllowed
from ess.flash import flash_error, flash_form_errors
from ess.permissions import require
from referrals import permissions as perms
from referrals.booking import forms, services
from referrals.booking.selectors import sessions_for_referral
from referrals.models import ResponseMode, Status
from referrals.selectors import referral_get_for_user
from referrals.views_common import referral_for_request
from scheduling import permissions as scheduling_perms
from scheduling import selectors as scheduling_selectors
from scheduling.models import AvailabilitySlot, Booking

# What a booking service refuses with a message: a bad choice (400) or the state of the slot,
# the session or the referral (409).
REFUSALS = (ValidationError, TransitionNotAllowed)


def booking_panels(user, referral) -> dict:
    """For the referral page. ESS staff see the slot or the advanced-consultation appointment
    booked for the case; a coordinator sees the next free slots of its specialty (submitted or
    triaged case the patient is to be seen for) and, for an advanced-consultation case, the
    sessions to book it into."""
    staff = perms.can_view_internal_notes(user, referral)
    booking = scheduling_selectors.booking_for(referral) if staff else None
    can_book = (
        scheduling_perms.can_book_slot(user)
        and booking is None
        and referral.status in (Status.SUBMITTED, Status.TRIAGED)
        # An asynchronous opinion has no appointment: no slot to book for it; an advanced
        # consultation is booked into a session, below.
        and referral.is_consultation
        and referral.response_mode != ResponseMode.ADVANCED_CONSULTATION
    )
    appointment = scheduling_selectors.appointment_for(referral) if staff else None
    can_book_session = (
        scheduling_perms.can_book_session(user)
        and appointment is None
        and referral.response_mode == ResponseMode.ADVANCED_CONSULTATION
        and referral.status in (Status.TRIAGED, Status.ACCEPTED)
    )
    return {
        "booking": booking,
        "can_book": can_book,
        "can_free_booking": booking is not None and scheduling_perms.can_book_slot(user),
        "free_slots": (
            scheduling_selectors.free_slots_for_specialty(referral.specialty_id) if can_book else []
        ),
        "consultation_appointment": appointment,
        "can_book_session": can_book_session,
        "bookable_sessions": sessions_for_referral(referral) if can_book_session else [],
    }


@login_required
@require_POST
def slot_book(request, public_id):
    """Book this referral into a free slot of its specialty."""
    referral = referral_get_for_user(request.user, public_id)
    form = forms.BookingForm(request.POST)
    if not form.is_valid():
        flash_form_errors(request, form)
        return redirect("referrals:detail", public_id=public_id)
    slot = get_object_or_404(AvailabilitySlot, public_id=form.cleaned_data["slot"])
    try:
        services.slot_book(slot_id=slot.pk, referral_id=referral.pk, by=request.user)
    except REFUSALS as exc:
        flash_error(request, exc)
    else:
        messages.success(
            request,
            _("Créneau réservé : la demande %(ref)s est proposée à %(who)s.")
            % {"ref": referral.reference, "who": slot.specialist.display_name},
        )
    return redirect("referrals:detail", public_id=public_id)


@login_required
@require_POST
def booking_cancel(request, public_id):
    referral = referral_get_for_user(request.user, public_id)
    booking = get_object_or_404(Booking, referral=referral)
    services.booking_cancel(booking_id=booking.pk, by=request.user)
    messages.success(request, _("Créneau libéré."))
    return redirect("referrals:detail", public_id=public_id)


@login_required
@require_POST
def session_book(request, public_id):
    """Book this referral into an advanced-consultation session."""
    referral = referral_for_request(request, public_id)
    require(scheduling_perms.can_book_session(request.user))
    form = forms.BookSessionForm(request.POST)
    if not form.is_valid():
        flash_form_errors(request, form)
        return redirect("referrals:detail", public_id=public_id)
    session = get_object_or_404(
        scheduling_selectors.sessions_visible_to(request.user),
        public_id=form.cleaned_data["session"],
    )
    try:
        appointment = services.session_book(
            by=request.user, session_id=session.pk, referral_id=referral.pk
        )
    except REFUSALS as exc:
        flash_error(request, exc)
    else:
        messages.success(
            request,
            _("Rendez-vous fixé le %(when)s en consultation avancée (%(site)s).")
            % {
                "when": timezone.localtime(appointment.starts_at).strftime("%d/%m/%Y %H:%M"),
                "site": session.site.name,
            },
        )
    return redirect("referrals:detail", public_id=public_id)
