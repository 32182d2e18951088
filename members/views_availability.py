"""Availability: a specialist's slots and absences ("Mes disponibilités"), and the
coordinator's booking of a referral into a slot from the referral page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ess.flash import flash_error, flash_form_errors
from members import forms, services
from members import permissions as perms
from members.models import Absence, AvailabilitySlot, Booking
from members.selectors import absences_of, slots_of
from referrals.selectors import referral_get_for_user


@login_required
def availability(request):
    """The specialist's page: publish slots (once or weekly), record absences."""
    if not perms.can_publish_slots(request.user):
        raise PermissionDenied
    slot_form = forms.SlotForm(request.POST or None, prefix="slot")
    if request.method == "POST" and slot_form.is_valid():
        try:
            created = services.slot_publish(by=request.user, **slot_form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    slot_form.add_error(field if field in slot_form.fields else None, error)
        else:
            messages.success(request, _("%(n)d créneau(x) publié(s).") % {"n": len(created)})
            return redirect("members:availability")
    return render(
        request,
        "members/availability.html",
        {
            "slots": slots_of(request.user),
            "absences": absences_of(request.user),
            "slot_form": slot_form,
            "absence_form": forms.AbsenceForm(prefix="absence"),
        },
    )


@login_required
@require_POST
def slot_delete(request, public_id):
    slot = get_object_or_404(AvailabilitySlot, public_id=public_id, specialist=request.user)
    try:
        services.slot_delete(by=request.user, slot_id=slot.pk)
    except ValidationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, _("Créneau supprimé."))
    return redirect("members:availability")


@login_required
@require_POST
def absence_create(request):
    form = forms.AbsenceForm(request.POST, prefix="absence")
    if form.is_valid():
        try:
            services.absence_record(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            flash_error(request, exc)
        else:
            messages.success(request, _("Absence enregistrée."))
    else:
        flash_form_errors(request, form)
    return redirect("members:availability")


@login_required
@require_POST
def absence_delete(request, public_id):
    absence = get_object_or_404(Absence, public_id=public_id, specialist=request.user)
    services.absence_delete(by=request.user, absence_id=absence.pk)
    messages.success(request, _("Absence supprimée."))
    return redirect("members:availability")


@login_required
@require_POST
def slot_book(request, public_id):
    """From the referral page: book this referral into a free slot of its specialty."""
    referral = referral_get_for_user(request.user, public_id)
    form = forms.BookingForm(request.POST)
    if not form.is_valid():
        flash_form_errors(request, form)
        return redirect("referrals:detail", public_id=public_id)
    slot = get_object_or_404(AvailabilitySlot, public_id=form.cleaned_data["slot"])
    try:
        services.slot_book(slot_id=slot.pk, referral_id=referral.pk, by=request.user)
    except ValidationError as exc:
        flash_error(request, exc)
    except services.TransitionNotAllowed as exc:
        messages.error(request, str(exc))
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
