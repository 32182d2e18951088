"""The trainings' management pages: the list (drafts included, with the registrations counted),
a new training, its changes, and its workflow actions (publish, hold, cancel).

Each view validates the shape of the input, calls one service, renders. Access starts from
selectors.manage (404 for a training the caller does not manage) and permissions.can_* (403)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from ess.forms import ReasonForm
from ess.permissions import require
from ess.web.actions import PageActions
from ess.web.form_pages import ObjectFormPages
from ess.workflow import available_actions
from events import permissions as perms
from events.selectors.manage import training_get_for_manager, trainings_for_management
from events.services import trainings as services
from events.training_forms import TrainingForm


def _manage_url(*_args) -> str:
    return reverse("events:manage")


@login_required
@require_GET
def manage(request):
    """Every training, the most recent first, with its confirmed, waitlisted and pending
    registrants and the actions the caller may take on it."""
    require(perms.can_manage_events(request.user))
    trainings = list(trainings_for_management(request.user))
    rows = [
        {
            "training": training,
            "actions": available_actions(request.user, training),
            "can_edit": perms.can_edit_training(request.user, training),
            "attendance": perms.attendance_offered(request.user, training),
        }
        for training in trainings
    ]
    context = {"rows": rows, "cancel_form": ReasonForm()}
    return render(request, "events/trainings_manage.html", context)


training_pages = ObjectFormPages(
    name="training",
    template="events/trainings_form.html",
    create=services.training_create,
    update=services.training_update,
    done=_manage_url,
)


@login_required
def create(request):
    require(perms.can_manage_events(request.user))
    return training_pages.create_page(
        request,
        TrainingForm(request.POST or None),
        success=lambda t: (
            _("Formation « %(title)s » enregistrée en brouillon.") % {"title": t.title}
        ),
    )


@login_required
def edit(request, public_id):
    training = training_get_for_manager(request.user, public_id)
    require(perms.can_edit_training(request.user, training))
    return training_pages.edit_page(
        request,
        training,
        TrainingForm.for_training(request.POST or None, training),
        success=_("Formation mise à jour."),
    )


training_actions = PageActions(
    route="<uuid:public_id>/",
    lookup=lambda request, public_id: training_get_for_manager(request.user, public_id),
    id_kwarg="training_id",
    back=_manage_url,
)
publish = training_actions.view(
    "publier/",
    "publish",
    services.training_publish,
    gettext_lazy("Formation publiée : les inscriptions sont ouvertes."),
)
hold = training_actions.view(
    "tenir/", "hold", services.training_hold, gettext_lazy("Formation marquée tenue.")
)
cancel = training_actions.view(
    "annuler/",
    "cancel",
    services.training_cancel,
    gettext_lazy("Formation annulée ; les inscrits sont prévenus par courriel."),
    ReasonForm,
)
