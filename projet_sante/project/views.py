"""Health-project pages: the document (a version) with its workflow, editing by managers,
comments by the authorities, annexes, the diff between two versions and the PDF.

Each view validates the shape of the input, calls one service, renders. Access starts from
selectors.version_get_for_user (404 for what the caller may not see) and permissions.can_*
(403).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from ess.errors import TransitionNotAllowed
from ess.flash import flash_error
from ess.permissions import require
from ess.web.actions import PageActions, post_action
from ess.web.forms import add_service_errors
from ess.web.repeats import noting_repeat, once
from ess.workflow import available_actions
from projet_sante.indicators.forms import TransmissionForm
from projet_sante.indicators.periods import report_quarters
from projet_sante.indicators.permissions import can_download_reports, can_transmit_reports
from projet_sante.indicators.views import redirect_to_report
from projet_sante.indicators.views_transmissions import transmitted
from projet_sante.project import forms, services
from projet_sante.project import permissions as perms
from projet_sante.project.models import Action, Mission, ProjectAnnex, SectionKey, VersionStatus
from projet_sante.project.reports import project_report_request, project_report_transmit
from projet_sante.project.rich_text import render_rich_text
from projet_sante.project.selectors import (
    open_version,
    sections_diff,
    version_content,
    version_default_for,
    version_get_for_user,
    version_list,
    version_signatures,
    version_signed_for,
)


def _to_version(version):
    return redirect("projet_sante:project_version", public_id=version.public_id)


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------
def _version_context(request, version) -> dict:
    user = request.user
    version = version_content(version.pk)
    follow = perms.can_follow_project_workflow(user)
    comments = list(version.comments.all()) if follow else []
    by_section: dict[str, list] = {}
    for comment in comments:
        by_section.setdefault(comment.section, []).append(comment)
    bodies = {s.key: s for s in version.sections.all()}
    sections = [
        {
            "key": key,
            "label": label,
            "html": render_rich_text(bodies[key].body) if key in bodies else "",
            "empty": not (key in bodies and bodies[key].body.strip()),
            "comments": by_section.get(key, []),
        }
        for key, label in SectionKey.choices
    ]
    versions = version_list(user)
    earlier = [v for v in versions if v.number < version.number]
    actions = available_actions(user, version)
    can_edit = perms.can_edit_project(user) and version.is_editable
    can_review = "validate" in actions or "request_revision" in actions
    # An authority user attached to no signing institution is told why they cannot sign.
    cannot_sign = ""
    if perms.can_review_project(user) and version.status == VersionStatus.SUBMITTED:
        cannot_sign = services.no_institution_reason(user)
    can_comment = perms.can_comment_project(user) and version.status in (
        VersionStatus.SUBMITTED,
        VersionStatus.REVISION_REQUESTED,
    )
    return {
        "version": version,
        "sections": sections,
        "missions": list(version.missions.all()),
        "annexes": list(version.annexes.all()),
        "general_comments": by_section.get("", []),
        "events": list(version.events.all()) if follow else [],
        "versions": versions,
        "previous": earlier[0] if earlier else None,
        "follow": follow,
        "actions": actions,
        "signatures": version_signatures(version),
        "cannot_sign": cannot_sign,
        "can_edit": can_edit,
        "can_comment": can_comment,
        "can_start": perms.can_edit_project(user) and open_version() is None,
        "can_pdf": perms.can_download_project_pdf(user),
        # Sent to the ARS/CPAM from here once they have seen it (submitted at least once).
        "transmit_form": (
            TransmissionForm()
            if can_transmit_reports(user)
            and (version.status != VersionStatus.DRAFT or version.submitted_at)
            else None
        ),
        **(report_quarters() if can_download_reports(user) else {}),
        "comment_form": forms.CommentForm() if can_comment else None,
        "revision_form": forms.RevisionForm() if can_review else None,
        "validate_form": forms.ValidateForm() if can_review else None,
        "annex_form": forms.AnnexForm() if can_edit else None,
    }


@login_required
@require_GET
def project_home(request):
    """/projet-sante/: the validated version (or the latest one) and the list of versions."""
    require(perms.can_view_project(request.user))
    version = version_default_for(request.user)
    if version is None:
        context = {
            "version": None,
            "can_start": perms.can_edit_project(request.user) and open_version() is None,
        }
        return render(request, "projet_sante/project/version.html", context)
    return render(request, "projet_sante/project/version.html", _version_context(request, version))


@login_required
@require_GET
def version_detail(request, public_id):
    require(perms.can_view_project(request.user))
    version = version_get_for_user(request.user, public_id)
    return render(request, "projet_sante/project/version.html", _version_context(request, version))


@login_required
@require_GET
def version_diff(request, a, b):
    """Per section, the lines removed from version `a` and added in version `b`."""
    require(perms.can_view_project(request.user))
    old = version_get_for_user(request.user, a)
    new = version_get_for_user(request.user, b)
    context = {"old": old, "new": new, "sections": sections_diff(old, new)}
    return render(request, "projet_sante/project/diff.html", context)


# ---------------------------------------------------------------------------------------------
# Workflow
# ---------------------------------------------------------------------------------------------
@login_required
@require_POST
def version_start(request):
    require(perms.can_edit_project(request.user))
    return post_action(
        request,
        lambda _data: services.version_start(by=request.user),
        success=lambda version: (
            _("Version %(version)s ouverte en brouillon.") % {"version": version.label}
        ),
        back=reverse("projet_sante:project_home"),
        done=lambda version: _version_url(request, version),
    )


def _version_url(request, version) -> str:
    return reverse("projet_sante:project_version", args=[version.public_id])


def _post_back(request, version, call, *, success, form=None, anchor: str = ""):
    """A POST from the version's page: check `form` (its errors are flashed), call the service
    with its cleaned data, flash the service's refusal or `success` (a text, or a function of
    what the service returned), then back to the version (at `#anchor`)."""
    url = _version_url(request, version)
    return post_action(request, call, form=form, success=success, back=url + anchor)


version_actions = PageActions(
    route="",
    lookup=lambda request, public_id: version_get_for_user(request.user, public_id),
    id_kwarg="version_id",
    back=_version_url,
)
version_submit = version_actions.view(
    "soumettre/",
    "project_version_submit",
    services.version_submit,
    gettext_lazy("Version soumise à l'ARS et à la CPAM."),
)
version_validate = version_actions.view(
    "valider/",
    "project_version_validate",
    noting_repeat(
        services.version_validate,
        "version_id",
        lambda version_id, by: version_signed_for(version_id, by.institution),
    ),
    once(
        lambda version: (
            _("Version validée par l'ARS et la CPAM : elle est désormais figée.")
            if version.is_frozen
            else _("Signature enregistrée. %(summary)s.")
            % {"summary": version_signatures(version)["summary"]}
        ),
        gettext_lazy("Votre institution avait déjà signé cette version : rien n'a changé."),
    ),
    forms.ValidateForm,
)
version_request_revision = version_actions.view(
    "revision/",
    "project_version_revision",
    services.version_request_revision,
    gettext_lazy("Révision demandée : l'équipe de direction est prévenue."),
    forms.RevisionForm,
)
comment_add = version_actions.view(
    "commentaires/",
    "project_comment_add",
    services.comment_add,
    gettext_lazy("Commentaire enregistré."),
    forms.CommentForm,
)


# ---------------------------------------------------------------------------------------------
# Editing (managers, draft or revision)
# ---------------------------------------------------------------------------------------------
def _editable(request, public_id):
    """The version, if the user may edit it (403 otherwise: not a manager)."""
    version = version_get_for_user(request.user, public_id)
    require(perms.can_edit_project(request.user))
    return version


def _not_editable(request, version):
    """Back to the version with the reason when it has left the managers' hands (frozen, with
    the authorities); None when it may be edited."""
    if reason := services.not_editable_reason(version):
        messages.error(request, reason)
        return _to_version(version)
    return None


@login_required
def section_edit(request, public_id, key):
    version = _editable(request, public_id)
    if key not in SectionKey.values:
        raise Http404
    if refused := _not_editable(request, version):
        return refused
    section = version.sections.filter(key=key).first()
    current = {
        "body": section.body if section else "",
        "revision": section.revision if section else 0,
    }
    form = forms.SectionForm(request.POST or None, initial=current)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.section_update(
                version_id=version.pk,
                key=key,
                by=request.user,
                body=form.cleaned_data["body"],
                expected_revision=form.cleaned_data["revision"],
            )
        except TransitionNotAllowed as exc:
            form.add_error(None, str(exc))
            status = 409
        else:
            messages.success(
                request,
                _("Section « %(section)s » enregistrée.") % {"section": SectionKey(key).label},
            )
            return redirect(f"{_to_version(version).url}#section-{key}")
    context = {"version": version, "form": form, "key": key, "label": SectionKey(key).label}
    return render(request, "projet_sante/project/section_form.html", context, status=status)


@login_required
@require_POST
def rich_text_preview(request):
    """htmx: the sanitised rendering of the Markdown being typed."""
    require(perms.can_edit_project(request.user))
    return render(
        request,
        "projet_sante/project/_preview.html",
        {"html": render_rich_text(request.POST.get("body", ""))},
    )


def _content_form(request, version, form, save, *, success: str, template: str, context: dict):
    """A page editing a mission or an action: back on the version with the reason when the
    version may no longer be edited; otherwise a valid POST calls `save(cleaned_data)` and goes
    back to the version's missions; the service's field errors are shown on the form, a refusal
    by status back on the version."""
    if refused := _not_editable(request, version):
        return refused
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except TransitionNotAllowed as exc:
            flash_error(request, exc)
            return _to_version(version)
        else:
            messages.success(request, success)
            return redirect(f"{_to_version(version).url}#missions-actions")
    return render(request, template, {"version": version, "form": form, **context})


def _part_form(form_class, request, part):
    """The edit form of a mission or an action, with its values (none for a new one)."""
    initial = model_to_dict(part, fields=form_class.base_fields) if part else {}
    return form_class(request.POST or None, initial=initial)


@login_required
def mission_edit(request, public_id, mission_id=None):
    version = _editable(request, public_id)
    mission = (
        get_object_or_404(Mission, version=version, public_id=mission_id) if mission_id else None
    )
    return _content_form(
        request,
        version,
        _part_form(forms.MissionForm, request, mission),
        lambda data: services.mission_save(
            version_id=version.pk,
            by=request.user,
            mission_id=mission.pk if mission else None,
            **data,
        ),
        success=_("Mission enregistrée."),
        template="projet_sante/project/mission_form.html",
        context={"mission": mission},
    )


def _removal(model, version_path: str, service, id_kwarg: str, success, *, anchor=""):
    """The POST view removing a part of an editable version (a mission, an action, an annex):
    the `model` row whose `version_path` leads to the version's public id, found by its public
    id under the URL's `id_kwarg`; the service takes its pk under the same name. `success` is
    lazily translated (the view is built at import)."""

    @login_required
    @require_POST
    def remove(request, public_id, **part):
        version = _editable(request, public_id)
        obj = get_object_or_404(model, **{version_path: public_id}, public_id=part[id_kwarg])
        return _post_back(
            request,
            version,
            lambda _data: service(version_id=version.pk, by=request.user, **{id_kwarg: obj.pk}),
            success=success,
            anchor=anchor,
        )

    remove.__name__ = remove.__qualname__ = service.__name__
    return remove


mission_delete = _removal(
    Mission,
    "version__public_id",
    services.mission_delete,
    "mission_id",
    gettext_lazy("Mission supprimée, avec ses actions."),
)


@login_required
def action_edit(request, public_id, mission_id=None, action_id=None):
    version = _editable(request, public_id)
    action = (
        get_object_or_404(
            Action.objects.select_related("mission"), mission__version=version, public_id=action_id
        )
        if action_id
        else None
    )
    mission = (
        action.mission
        if action
        else get_object_or_404(Mission, version=version, public_id=mission_id)
    )
    return _content_form(
        request,
        version,
        _part_form(forms.ActionForm, request, action),
        lambda data: services.action_save(
            version_id=version.pk,
            mission_id=mission.pk,
            by=request.user,
            action_id=action.pk if action else None,
            **data,
        ),
        success=_("Action enregistrée."),
        template="projet_sante/project/action_form.html",
        context={"mission": mission, "action": action},
    )


action_delete = _removal(
    Action,
    "mission__version__public_id",
    services.action_delete,
    "action_id",
    gettext_lazy("Action supprimée."),
)


# ---------------------------------------------------------------------------------------------
# Annexes
# ---------------------------------------------------------------------------------------------
@login_required
@require_POST
def annex_add(request, public_id):
    version = _editable(request, public_id)
    return _post_back(
        request,
        version,
        lambda data: services.annex_add(
            version_id=version.pk, by=request.user, title=data["title"], upload=data["file"]
        ),
        success=lambda annex: _("Annexe « %(title)s » ajoutée.") % {"title": annex.title},
        form=forms.AnnexForm(request.POST, request.FILES),
        anchor="#annexes",
    )


annex_delete = _removal(
    ProjectAnnex,
    "version__public_id",
    services.annex_delete,
    "annex_id",
    gettext_lazy("Annexe retirée de cette version."),
    anchor="#annexes",
)


@login_required
@require_GET
def annex_download(request, public_id, annex_id):
    """Whoever sees the version downloads its annexes (404 otherwise); each download is
    audited."""
    version = version_get_for_user(request.user, public_id)
    annex = get_object_or_404(ProjectAnnex, version=version, public_id=annex_id)
    return annex.download(request, label=f"{version.label} annexe")


# ---------------------------------------------------------------------------------------------
# PDF
# ---------------------------------------------------------------------------------------------
@login_required
@require_POST
def version_pdf(request, public_id):
    """Ask for the project as a PDF (managers and authority users): a cached file per version
    and closed quarter, rendered in the background. Ready: straight to the (audited) download;
    otherwise the report's page, which follows the rendering."""
    version = version_get_for_user(request.user, public_id)
    require(perms.can_download_project_pdf(request.user))
    return redirect_to_report(project_report_request(version, by=request.user))


@login_required
@require_POST
def version_transmit(request, public_id):
    """Send the version's PDF to the ARS and/or the CPAM (managers); the archive on success,
    the version's page with the refusal otherwise."""
    version = version_get_for_user(request.user, public_id)
    require(can_transmit_reports(request.user))
    return post_action(
        request,
        lambda data: project_report_transmit(
            version, institutions=data["institutions"], message=data["message"], by=request.user
        ),
        form=TransmissionForm(request.POST),
        success=transmitted,
        back=reverse("projet_sante:project_version", args=[version.public_id]),
        done=reverse("projet_sante:transmissions"),
        label_errors=False,
    )
