"""The residents' pages: the supervisors with their offers of places per semester and the
residents placed on them (a year at a time), and the forms that register a supervisor, declare
an offer and place a resident, and those that correct each of them or remove a placement.

The management and the coordination keep them; the specialists read them, and a specialist
registered as a supervisor declares their own offers (`permissions.can_declare_training_place`).
An offer the caller may not see is a 404."""

from django.contrib.auth.decorators import login_required
from django.forms.models import model_to_dict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ess.permissions import require
from ess.web.actions import form_page, post_action
from events import permissions as perms
from events.selectors.activities import (
    offer_years,
    placement_get_for_user,
    supervision_of,
    supervisor_get_for_user,
    supervisors_overview,
    supervisors_visible_to,
    training_place_get_for_user,
)
from events.services import residents as services
from events.views.residents_forms import (
    PlacementForm,
    SupervisorEditForm,
    SupervisorForm,
    TrainingPlaceEditForm,
    TrainingPlaceForm,
)


def _year(request, default: int) -> int:
    try:
        year = int(request.GET.get("annee", default))
    except ValueError:
        return default
    return year if 2000 <= year <= 2100 else default


def _list_url(year: int) -> str:
    return f"{reverse('events:residents')}?annee={year}"


def _page(request, form, save, *, success, done, heading, **context):
    """One of the residents' forms, back to the list once saved."""
    return form_page(
        request,
        form,
        save,
        success=success,
        done=done,
        template="events/residents_form.html",
        context={"heading": heading, **context},
    )


def _filled(form_class, obj, data):
    """The form bound to `data` (a POST), or showing `obj`'s values."""
    return form_class(data, initial=model_to_dict(obj, fields=form_class.base_fields))


@login_required
@require_GET
def residents(request):
    user = request.user
    require(perms.can_view_activities(user))
    current = timezone.localdate().year
    year = _year(request, current)
    own = supervision_of(user)
    supervisors = list(supervisors_overview(user, year=year))
    for supervisor in supervisors:
        supervisor.offers_editable = perms.can_declare_training_place(user, supervisor)
    context = {
        "year": year,
        "years": offer_years(user, around=current),
        "supervisors": supervisors,
        "can_manage": perms.can_manage_residents(user),
        "can_declare": perms.can_declare_training_place(user, own),
    }
    return render(request, "events/residents_list.html", context)


@login_required
def supervisor_create(request):
    require(perms.can_manage_residents(request.user))
    return _page(
        request,
        SupervisorForm(request.POST or None),
        lambda data: services.supervisor_register(by=request.user, **data),
        success=lambda s: (
            _("%(name)s est inscrit·e comme maître de stage.") % {"name": s.member.display_name}
        ),
        done=reverse("events:residents"),
        heading=_("Inscrire un maître de stage"),
    )


@login_required
def training_place_create(request):
    """The management chooses the supervisor; a supervisor declares for themselves."""
    user = request.user
    own = supervision_of(user)
    require(perms.can_declare_training_place(user, own))
    manages = perms.can_manage_residents(user)
    form = TrainingPlaceForm(
        request.POST or None,
        supervisors=supervisors_visible_to(user).select_related("member") if manages else None,
        initial={"year": timezone.localdate().year},
    )

    def save(data):
        supervisor = data.pop("supervisor", None) or own
        return services.training_place_offer(by=user, supervisor_id=supervisor.pk, **data)

    return _page(
        request,
        form,
        save,
        success=_("Offre de stage enregistrée."),
        done=lambda place: _list_url(place.year),
        heading=_("Déclarer une offre de stage"),
    )


@login_required
def placement_create(request, public_id):
    place = training_place_get_for_user(request.user, public_id)
    require(perms.can_manage_residents(request.user))
    return _page(
        request,
        PlacementForm(request.POST or None),
        lambda data: services.placement_record(by=request.user, place_id=place.pk, **data),
        success=_("Stage enregistré."),
        done=_list_url(place.year),
        heading=_("Placer un interne"),
        place=place,
    )


@login_required
def supervisor_edit(request, public_id):
    supervisor = supervisor_get_for_user(request.user, public_id)
    require(perms.can_manage_residents(request.user))
    name = supervisor.member.display_name
    return _page(
        request,
        _filled(SupervisorEditForm, supervisor, request.POST or None),
        lambda data: services.supervisor_update(
            by=request.user, supervisor_id=supervisor.pk, **data
        ),
        success=_("Agrément de %(name)s mis à jour.") % {"name": name},
        done=reverse("events:residents"),
        heading=_("Maître de stage : %(name)s") % {"name": name},
    )


@login_required
def training_place_edit(request, public_id):
    place = training_place_get_for_user(request.user, public_id)
    require(perms.can_declare_training_place(request.user, place.supervisor))
    return _page(
        request,
        _filled(TrainingPlaceEditForm, place, request.POST or None),
        lambda data: services.training_place_update(by=request.user, place_id=place.pk, **data),
        success=_("Offre de stage mise à jour."),
        done=_list_url(place.year),
        heading=_("Modifier l'offre de stage"),
        place=place,
    )


@login_required
def placement_edit(request, public_id):
    placement = placement_get_for_user(request.user, public_id)
    require(perms.can_manage_residents(request.user))
    return _page(
        request,
        _filled(PlacementForm, placement, request.POST or None),
        lambda data: services.placement_update(by=request.user, placement_id=placement.pk, **data),
        success=_("Stage mis à jour."),
        done=_list_url(placement.place.year),
        heading=_("Stage de %(name)s") % {"name": placement.resident_name},
    )


@login_required
@require_POST
def placement_delete(request, public_id):
    placement = placement_get_for_user(request.user, public_id)
    require(perms.can_manage_residents(request.user))
    return post_action(
        request,
        lambda data: services.placement_remove(by=request.user, placement_id=placement.pk),
        success=_("Stage de %(name)s retiré : sa place est de nouveau libre.")
        % {"name": placement.resident_name},
        back=_list_url(placement.place.year),
    )
