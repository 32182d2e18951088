"""Pathway pages (/parcours/): the list, a pathway's page and its actions, opening one from a
referral or by the coordination, the delegated professional's worklist and tasks, the doctor's
answer to an alert; and the referral page's section (the `referral_page_sections` hook of
referrals, connected in pathways/apps.py). Every read of patient data is audited."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from ess.audit import audit_record, audit_record_many
from ess.models import AuditAction
from ess.notifications import notifications_mark_read_for_page
from ess.permissions import require
from ess.roles import Role, has_role
from ess.web.actions import PageActions, form_page
from ess.web.lookups import object_for_request
from ess.web.paging import page_of
from ess.workflow import available_actions
from pathways import forms, services
from pathways import permissions as perms
from pathways.hooks import pathway_page_sections
from pathways.models import CircleRole, Pathway, PathwayAlert, PathwayTask
from pathways.selectors import (
    alert_get_for_user,
    pathway_alerts,
    pathway_circle,
    pathway_get_for_user,
    pathway_list,
    pathway_tasks,
    pathway_timeline,
    pathways_of_referral,
    task_get_for_user,
    worklist,
)
from referrals.selectors import referral_visible_by_reference
from referrals.views_common import referral_for_request


def _pathway_for_request(request, public_id) -> Pathway:
    return object_for_request(request, Pathway, pathway_get_for_user, public_id)


def _task_for_request(request, public_id) -> PathwayTask:
    return object_for_request(request, PathwayTask, task_get_for_user, public_id)


def _alert_for_request(request, public_id) -> PathwayAlert:
    return object_for_request(request, PathwayAlert, alert_get_for_user, public_id)


def _detail_url(pathway) -> str:
    return reverse("pathways:detail", args=[pathway.public_id])


# ---------------------------------------------------------------------------------------------
# The list and a pathway's page
# ---------------------------------------------------------------------------------------------
@login_required
@require_GET
def pathway_list_view(request):
    require(perms.can_list_pathways(request.user))
    filters = forms.PathwayListFilter(request.GET or None)
    status = filters.cleaned_data["statut"] if filters.is_valid() else ""
    page = page_of(request, pathway_list(request.user, status=status), 25)
    audit_record_many(request=request, action=AuditAction.VIEW, objects=page.object_list)
    return render(
        request,
        "pathways/pathway_list.html",
        {
            "page": page,
            "pathways": page.object_list,
            "filters": filters,
            "can_create": has_role(request.user, Role.COORDINATOR),
        },
    )


@login_required
@require_GET
def pathway_detail(request, public_id):
    user = request.user
    pathway = _pathway_for_request(request, public_id)
    audit_record(request=request, action=AuditAction.VIEW, obj=pathway)
    notifications_mark_read_for_page(user=user, path=request.path)
    can_manage = perms.can_manage_pathway(user, pathway)
    context = {
        "pathway": pathway,
        "patient": pathway.patient,
        "actions": available_actions(user, pathway),
        "circle": pathway_circle(pathway),
        "tasks": pathway_tasks(pathway),
        "alerts": pathway_alerts(pathway),
        "timeline": pathway_timeline(user, pathway),
        "referrals": list(pathway.referrals.order_by("submitted_at")),
        "today": timezone.localdate(),
        "can_manage": can_manage,
        "can_write": perms.can_write_in_pathway(user, pathway),
        "note_form": forms.NoteForm(),
        "pause_form": forms.PauseForm(),
        "close_form": forms.CloseForm(),
        "circle_form": forms.CircleAddForm() if can_manage and not pathway.is_closed else None,
        "link_form": forms.ReferralLinkForm() if can_manage and not pathway.is_closed else None,
        # What the apps above pathways add (case meetings): pathways/hooks.py.
        "pathway_sections": [
            section
            for _receiver, section in pathway_page_sections.send(
                Pathway, request=request, pathway=pathway
            )
        ],
    }
    return render(request, "pathways/pathway_detail.html", context)


# The actor is checked before the form (a refusal never depends on what was typed); the
# services check it again, with the pathway's status, in their transaction.
def _pathway_to_manage(request, public_id) -> Pathway:
    pathway = _pathway_for_request(request, public_id)
    require(perms.can_manage_pathway(request.user, pathway))
    return pathway


pathway_actions = PageActions(
    route="<uuid:public_id>/",
    lookup=_pathway_to_manage,
    id_kwarg="pathway_id",
    back=lambda request, pathway: _detail_url(pathway),
)
circle_actions = PageActions(
    route="<uuid:public_id>/",
    lookup=_pathway_for_request,
    id_kwarg="pathway_id",
    back=lambda request, pathway: _detail_url(pathway),
)
pathway_pause = pathway_actions.view(
    "pause/",
    "pause",
    services.pathway_pause,
    gettext_lazy("Parcours mis en pause."),
    forms.PauseForm,
)
pathway_resume = pathway_actions.view(
    "reprendre/", "resume", services.pathway_resume, gettext_lazy("Parcours repris.")
)
pathway_close = pathway_actions.view(
    "clore/", "close", services.pathway_close, gettext_lazy("Parcours clos."), forms.CloseForm
)
note_add = circle_actions.view(
    "notes/", "note_add", services.pathway_note_add, gettext_lazy("Note ajoutée."), forms.NoteForm
)


def _referral_to_link(request, data: dict) -> dict:
    referral = referral_visible_by_reference(request.user, data["reference"])
    if referral is None:
        raise ValidationError({"reference": forms.UNKNOWN_REFERENCE})
    return {"referral": referral}


referral_link = pathway_actions.view(
    "demandes/",
    "referral_link",
    services.pathway_referral_link,
    gettext_lazy("Demande rattachée au parcours."),
    forms.ReferralLinkForm,
    data=_referral_to_link,
)
circle_add = pathway_actions.view(
    "cercle/",
    "circle_add",
    services.circle_add,
    gettext_lazy("Ajouté au cercle de soins."),
    forms.CircleAddForm,
    data=lambda request, data: {"user": data["user"], "role": data["role"]},
)


# ---------------------------------------------------------------------------------------------
# Opening a pathway
# ---------------------------------------------------------------------------------------------
def _open_page(request, form, referral):
    return form_page(
        request,
        form,
        lambda data: services.pathway_open(by=request.user, **form.service_fields()),
        success=_("Parcours ouvert."),
        done=_detail_url,
        template="pathways/pathway_open.html",
        context={"referral": referral},
    )


@login_required
@require_http_methods(["GET", "POST"])
def pathway_open_from_referral(request, public_id):
    """Open a pathway from a referral: its specialist, or the coordination."""
    referral = referral_for_request(request, public_id)
    require(perms.can_open_pathway(request.user, referral))
    audit_record(request=request, action=AuditAction.VIEW, obj=referral, label=referral.reference)
    form = forms.PathwayOpenForm(request.POST or None, user=request.user, referral=referral)
    return _open_page(request, form, referral)


@login_required
@require_http_methods(["GET", "POST"])
def pathway_create(request):
    """The coordination opens a pathway for the patient of a referral it names."""
    require(has_role(request.user, Role.COORDINATOR))
    form = forms.PathwayOpenForm(request.POST or None, user=request.user)
    return _open_page(request, form, None)


# ---------------------------------------------------------------------------------------------
# The worklist and the tasks
# ---------------------------------------------------------------------------------------------
@login_required
@require_GET
def worklist_view(request):
    require(perms.can_view_worklist(request.user))
    lists = worklist(request.user)
    audit_record_many(
        request=request,
        action=AuditAction.VIEW,
        objects=[task.pathway for tasks in lists.values() for task in tasks],
    )
    return render(request, "pathways/worklist.html", {"lists": lists})


@login_required
@require_GET
def task_detail(request, public_id):
    user = request.user
    task = _task_for_request(request, public_id)
    audit_record(request=request, action=AuditAction.VIEW, obj=task.pathway)
    return render(
        request,
        "pathways/task_detail.html",
        {
            "task": task,
            "pathway": task.pathway,
            "patient": task.pathway.patient,
            "actions": available_actions(user, task),
            "record_form": forms.TaskRecordForm(),
            "cancel_form": forms.TaskCancelForm(),
            "today": timezone.localdate(),
        },
    )


def _task_to_record(request, public_id) -> PathwayTask:
    task = _task_for_request(request, public_id)
    require(task.assignee_id == request.user.pk)
    return task


def _task_to_cancel(request, public_id) -> PathwayTask:
    task = _task_for_request(request, public_id)
    require(perms.can_cancel_task(request.user, task))
    return task


def _task_back(request, task) -> str:
    return reverse("pathways:task", args=[task.public_id])


task_actions = PageActions(
    route="taches/<uuid:public_id>/", lookup=_task_to_record, id_kwarg="task_id", back=_task_back
)
task_manage_actions = PageActions(
    route="taches/<uuid:public_id>/", lookup=_task_to_cancel, id_kwarg="task_id", back=_task_back
)
task_record = task_actions.view(
    "resultat/",
    "task_record",
    services.task_record,
    gettext_lazy("Résultat enregistré."),
    forms.TaskRecordForm,
)
task_cancel = task_manage_actions.view(
    "annuler/",
    "task_cancel",
    services.task_cancel,
    gettext_lazy("Tâche annulée."),
    forms.TaskCancelForm,
)


# ---------------------------------------------------------------------------------------------
# Alerts
# ---------------------------------------------------------------------------------------------
@login_required
@require_GET
def alert_detail(request, public_id):
    user = request.user
    alert = _alert_for_request(request, public_id)
    audit_record(request=request, action=AuditAction.VIEW, obj=alert.pathway)
    notifications_mark_read_for_page(user=user, path=request.path)
    return render(
        request,
        "pathways/alert_detail.html",
        {
            "alert": alert,
            "pathway": alert.pathway,
            "patient": alert.pathway.patient,
            "can_answer": perms.can_answer_alert(user, alert),
            "answer_form": forms.AlertAnswerForm(),
        },
    )


def _alert_to_answer(request, public_id) -> PathwayAlert:
    """The doctor alerted, or a specialist of the circle (answered or not: a second sending of
    the same answer is the service's no-op)."""
    alert = _alert_for_request(request, public_id)
    user = request.user
    require(
        alert.doctor_id == user.pk
        or perms.circle_role(user, alert.pathway) == CircleRole.SPECIALIST
    )
    return alert


alert_actions = PageActions(
    route="alertes/<uuid:public_id>/",
    lookup=_alert_to_answer,
    id_kwarg="alert_id",
    back=lambda request, alert: reverse("pathways:alert", args=[alert.public_id]),
)
alert_answer = alert_actions.view(
    "repondre/",
    "alert_answer",
    services.alert_answer,
    gettext_lazy("Réponse envoyée au professionnel délégué et au médecin traitant."),
    forms.AlertAnswerForm,
)


# ---------------------------------------------------------------------------------------------
# The referral page's section (referrals.hooks.referral_page_sections)
# ---------------------------------------------------------------------------------------------
def referral_page_pathways(sender, *, request, referral, **kwargs) -> str:
    """The referral's pathways that the viewer sees (the GP follows them here): status, tasks
    and results, alerts and answers; and, for who may open one, the link to do it."""
    user = request.user
    pathways = pathways_of_referral(user, referral)
    can_open = perms.can_open_pathway(user, referral)
    if not pathways and not can_open:
        return ""
    audit_record_many(request=request, action=AuditAction.VIEW, objects=pathways)
    return render_to_string(
        "pathways/_referral_pathways.html",
        {
            "pathways": pathways,
            "referral": referral,
            "can_open": can_open,
            "today": timezone.localdate(),
        },
        request=request,
    )
