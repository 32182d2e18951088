"""Availability: a specialist's slots and absences ("Mes disponibilités")."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from ess.permissions import require
from ess.web.actions import post_action
from scheduling import forms, services
from scheduling import permissions as perms
from scheduling.models import Absence, AvailabilitySlot
from scheduling.selectors import absences_of, slots_of


@login_required
def availability(request):
    """The specialist's page: publish slots (once or weekly), record absences."""
    require(perms.can_publish_slots(request.user))
    slot_form = forms.SlotForm(request.POST or None, prefix="slot")
    if request.method == "POST" and slot_form.is_valid():
        try:
            created = services.slot_publish(by=request.user, **slot_form.cleaned_data)
        except ValidationError as exc:
            forms.add_service_errors(slot_form, exc)
        else:
            messages.success(
                request,
                ngettext("%(n)d créneau publié.", "%(n)d créneaux publiés.", len(created))
                % {"n": len(created)},
            )
            return redirect("scheduling:availability")
    return render(
        request,
        "scheduling/availability.html",
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
    return post_action(
        request,
        lambda _data: services.slot_delete(by=request.user, slot_id=slot.pk),
        success=_("Créneau supprimé."),
        back="scheduling:availability",
    )


@login_required
@require_POST
def slot_sas(request, public_id):
    """Open a slot (and the rest of its weekly series) to the SAS, or close it."""
    slot = get_object_or_404(AvailabilitySlot, public_id=public_id, specialist=request.user)
    sas_open = request.POST.get("sas_open") == "1"
    return post_action(
        request,
        lambda _data: services.slot_sas_set(by=request.user, slot_id=slot.pk, sas_open=sas_open),
        success=_("Créneau ouvert au SAS.") if sas_open else _("Créneau fermé au SAS."),
        back="scheduling:availability",
    )


@login_required
@require_POST
def absence_create(request):
    return post_action(
        request,
        lambda data: services.absence_record(by=request.user, **data),
        form=forms.AbsenceForm(request.POST, prefix="absence"),
        success=_("Absence enregistrée."),
        back="scheduling:availability",
    )


@login_required
@require_POST
def absence_delete(request, public_id):
    absence = get_object_or_404(Absence, public_id=public_id, specialist=request.user)
    services.absence_delete(by=request.user, absence_id=absence.pk)
    messages.success(request, _("Absence supprimée."))
    return redirect("scheduling:availability")
