"""The ESS's opening hours and closures, edited by managers ("Horaires et fermetures")."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ess.permissions import require
from ess.web.actions import post_action
from scheduling import forms, services
from scheduling import permissions as perms
from scheduling.models import Closure, Day, OpeningRange
from scheduling.selectors import closures_to_come, opening_calendar, opening_ranges

BACK = "scheduling:opening_hours"


@login_required
def opening_hours(request):
    """The weekly opening hours, the closures to come and the next public holiday."""
    require(perms.can_manage_opening_hours(request.user))
    today = timezone.localdate()
    ranges = list(opening_ranges())
    week = [
        {"label": label, "ranges": [r for r in ranges if r.weekday == value]}
        for value, label in Day.choices
    ]
    return render(
        request,
        "scheduling/opening_hours.html",
        {
            "week": week,
            "closures": closures_to_come(today),
            "next_holiday": opening_calendar().next_holiday(today),
            "range_form": forms.OpeningRangeForm(prefix="range"),
            "closure_form": forms.ClosureForm(prefix="closure"),
        },
    )


@login_required
@require_POST
def opening_range_add(request):
    require(perms.can_manage_opening_hours(request.user))
    return post_action(
        request,
        lambda data: services.opening_range_add(by=request.user, **data),
        form=forms.OpeningRangeForm(request.POST, prefix="range"),
        success=_("Plage d'ouverture enregistrée."),
        back=BACK,
    )


@login_required
@require_POST
def opening_range_delete(request, public_id):
    require(perms.can_manage_opening_hours(request.user))
    found = get_object_or_404(OpeningRange, public_id=public_id)
    return post_action(
        request,
        lambda _data: services.opening_range_delete(by=request.user, range_id=found.pk),
        success=_("Plage d'ouverture supprimée."),
        back=BACK,
    )


@login_required
@require_POST
def closure_add(request):
    require(perms.can_manage_opening_hours(request.user))
    return post_action(
        request,
        lambda data: services.closure_add(by=request.user, **data),
        form=forms.ClosureForm(request.POST, prefix="closure"),
        success=_("Fermeture enregistrée."),
        back=BACK,
    )


@login_required
@require_POST
def closure_delete(request, public_id):
    require(perms.can_manage_opening_hours(request.user))
    found = get_object_or_404(Closure, public_id=public_id)
    return post_action(
        request,
        lambda _data: services.closure_delete(by=request.user, closure_id=found.pk),
        success=_("Fermeture supprimée."),
        back=BACK,
    )
