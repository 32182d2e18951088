"""The ETP pages: the programmes with this year's sessions and patients, a programme's page
with its sessions and the form that records one, the programme's and a session's forms.

The management and the coordination keep them; the specialists read them
(`permissions.can_view_activities`). A programme or session the caller may not see is a 404."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ess.permissions import require
from ess.web.actions import form_page, post_action
from ess.web.form_pages import ObjectFormPages
from events import permissions as perms
from events.selectors.activities import (
    etp_programme_get_for_user,
    etp_programme_list,
    etp_session_get_for_user,
    etp_sessions_of,
)
from events.services import etp as services
from events.views.etp_forms import EtpProgrammeForm, EtpSessionForm


def _detail_url(programme) -> str:
    return reverse("events:etp_detail", args=[programme.public_id])


@login_required
@require_GET
def etp_list(request):
    require(perms.can_view_activities(request.user))
    year = timezone.localdate().year
    programmes = list(etp_programme_list(request.user, year=year))
    context = {
        "programmes": programmes,
        "year": year,
        "can_manage": perms.can_manage_etp(request.user),
    }
    return render(request, "events/etp_list.html", context)


programme_pages = ObjectFormPages(
    name="programme",
    template="events/etp_form.html",
    create=services.etp_programme_create,
    update=services.etp_programme_update,
    done=_detail_url,
)


@login_required
def etp_create(request):
    require(perms.can_manage_etp(request.user))
    return programme_pages.create_page(
        request,
        EtpProgrammeForm(request.POST or None),
        success=lambda p: _("Programme « %(title)s » enregistré.") % {"title": p.title},
    )


@login_required
@require_GET
def etp_detail(request, public_id):
    programme = etp_programme_get_for_user(request.user, public_id)
    can_manage = perms.can_manage_etp(request.user)
    sessions = list(etp_sessions_of(programme))
    context = {
        "programme": programme,
        "sessions": sessions,
        "patients_total": sum(s.patients_count for s in sessions),
        "can_manage": can_manage,
        "session_form": EtpSessionForm(initial={"held_on": timezone.localdate()})
        if can_manage and programme.is_active
        else None,
    }
    return render(request, "events/etp_detail.html", context)


@login_required
def etp_edit(request, public_id):
    programme = etp_programme_get_for_user(request.user, public_id)
    require(perms.can_manage_etp(request.user))
    return programme_pages.edit_page(
        request,
        programme,
        EtpProgrammeForm.for_programme(request.POST or None, programme),
        success=_("Programme mis à jour."),
    )


@login_required
@require_POST
def etp_session_add(request, public_id):
    programme = etp_programme_get_for_user(request.user, public_id)
    require(perms.can_manage_etp(request.user))
    return post_action(
        request,
        lambda data: services.etp_session_record(
            programme_id=programme.pk, by=request.user, **data
        ),
        form=EtpSessionForm(request.POST),
        success=_("Séance enregistrée."),
        back=_detail_url(programme),
    )


@login_required
def etp_session_edit(request, public_id):
    session = etp_session_get_for_user(request.user, public_id)
    require(perms.can_manage_etp(request.user))
    return form_page(
        request,
        EtpSessionForm.for_session(request.POST or None, session),
        lambda data: services.etp_session_update(session_id=session.pk, by=request.user, **data),
        success=_("Séance mise à jour."),
        done=_detail_url(session.programme),
        template="events/etp_session_form.html",
        context={"session": session, "programme": session.programme},
    )


@login_required
@require_POST
def etp_session_delete(request, public_id):
    session = etp_session_get_for_user(request.user, public_id)
    require(perms.can_manage_etp(request.user))
    return post_action(
        request,
        lambda data: services.etp_session_delete(session_id=session.pk, by=request.user),
        success=_("Séance supprimée."),
        back=_detail_url(session.programme),
    )
