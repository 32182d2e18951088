"""The ESS's opening hours and closures, edited by managers ("Horaires et fermetures")."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext_lazy
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


def _add_view(service, form_class, prefix: str, success):
    """A manager's POST that adds a range or a closure from its form."""

    @login_required
    @require_POST
    def view(request):
        require(perms.can_manage_opening_hours(request.user))
        return post_action(
            request,
            lambda data: service(by=request.user, **data),
            form=form_class(request.POST, prefix=prefix),
            success=success,
            back=BACK,
        )

    return view


def _delete_view(model, service, id_kwarg: str, success):
    """A manager's POST that removes a range or a closure (404: no such thing)."""

    @login_required
    @require_POST
    def view(request, public_id):
        require(perms.can_manage_opening_hours(request.user))
        found = get_object_or_404(model, public_id=public_id)
        return post_action(
            request,
            lambda _data: service(by=request.user, **{id_kwarg: found.pk}),
            success=success,
            back=BACK,
        )

    return view


opening_range_add = _add_view(
    services.opening_range_add,
    forms.OpeningRangeForm,
    "range",
    gettext_lazy("Plage d'ouverture enregistrée."),
)
opening_range_delete = _delete_view(
    OpeningRange,
    services.opening_range_delete,
    "range_id",
    gettext_lazy("Plage d'ouverture supprimée."),
)
closure_add = _add_view(
    services.closure_add, forms.ClosureForm, "closure", gettext_lazy("Fermeture enregistrée.")
)
closure_delete = _delete_view(
    Closure, services.closure_delete, "closure_id", gettext_lazy("Fermeture supprimée.")
)
