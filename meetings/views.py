"""Télé-RCP pages: the list, a meeting's page (participants, agenda, attendance, decisions,
workflow buttons), its forms, the minutes as a PDF, and what a referral's or a pathway's page
shows of the meetings where it is discussed.

Each view validates the shape of the input, calls one service, renders. Access starts from
selectors.meeting_get_for_user (404 for what the caller may not see) and permissions.can_*
(403). A case's patient is named only to those who may see the case; each one shown is
audited."""

import uuid

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from ess.audit import audit_record, audit_record_many, audit_refusal
from ess.forms import ReasonForm
from ess.models import AuditAction, Team
from ess.pdf import pdf_attachment, render_pdf
from ess.permissions import require
from ess.web.actions import PageActions, form_page
from ess.web.form_pages import ObjectFormPages
from ess.web.lookups import object_for_request
from ess.web.paging import page_of
from ess.workflow import available_actions
from meetings import forms, services
from meetings import permissions as perms
from meetings.models import CaseMeeting, MeetingCase
from meetings.selectors import (
    cases_revealed_to,
    discussions_of,
    meeting_case_get_for_user,
    meeting_cases,
    meeting_get_for_user,
    meeting_list,
    meeting_participants,
    referral_by_reference_for_user,
)
from pathways.selectors import pathway_get_for_user
from referrals.selectors import referral_get_for_user

UPCOMING_SHOWN = 50


def meeting_for_request(request, public_id) -> CaseMeeting:
    """The meeting a page or action is about; a refusal (404) is written to the audit trail."""
    return object_for_request(request, CaseMeeting, meeting_get_for_user, public_id)


def _meeting_url(meeting) -> str:
    return reverse("meetings:detail", args=[meeting.public_id])


# ---------------------------------------------------------------------------------------------
# The list, a new meeting, its changes
# ---------------------------------------------------------------------------------------------
@login_required
@require_GET
def meeting_list_view(request):
    require(perms.can_view_meetings(request.user))
    lists = meeting_list(request.user)
    context = {
        "upcoming": list(lists["upcoming"][:UPCOMING_SHOWN]),
        "page": page_of(request, lists["past"], 20),
        "can_organise": perms.can_organise_meeting(request.user),
    }
    return render(request, "meetings/meeting_list.html", context)


meeting_pages = ObjectFormPages(
    name="meeting",
    template="meetings/meeting_form.html",
    create=services.meeting_create,
    update=services.meeting_update,
    done=_meeting_url,
)


@login_required
def meeting_create(request):
    require(perms.can_organise_meeting(request.user))
    return meeting_pages.create_page(
        request,
        forms.MeetingForm(request.POST or None),
        success=lambda m: _("Télé-RCP « %(title)s » programmée.") % {"title": m.title},
    )


@login_required
def meeting_edit(request, public_id):
    meeting = meeting_for_request(request, public_id)
    require(perms.can_edit_meeting(request.user, meeting))
    return meeting_pages.edit_page(
        request,
        meeting,
        forms.MeetingForm.for_meeting(request.POST or None, meeting),
        success=_("Télé-RCP mise à jour."),
    )


# ---------------------------------------------------------------------------------------------
# A meeting's page
# ---------------------------------------------------------------------------------------------
def _agenda(request, meeting, action: AuditAction) -> tuple[list[MeetingCase], set[int]]:
    """The cases and those whose patient the reader may see named: each one named is audited
    under its referral or pathway."""
    cases = meeting_cases(meeting)
    revealed = cases_revealed_to(request.user, cases)
    shown = []
    for case in cases:
        if case.pk in revealed:
            shown.append(case.referral if case.referral_id else case.pathway)
    audit_record(request=request, action=action, obj=meeting, label=meeting.title[:100])
    audit_record_many(request=request, action=action, objects=shown)
    return cases, revealed


@login_required
@require_GET
def meeting_detail(request, public_id):
    user = request.user
    meeting = meeting_for_request(request, public_id)
    cases, revealed = _agenda(request, meeting, AuditAction.VIEW)
    participants = meeting_participants(meeting)
    can_record_decision = perms.can_record_decision(user, meeting)
    context = {
        "meeting": meeting,
        "actions": available_actions(user, meeting),
        "participants": participants,
        "cases": cases,
        "revealed": revealed,
        "can_edit": perms.can_edit_meeting(user, meeting),
        "can_add_case": perms.can_add_case(user, meeting),
        "can_record_attendance": perms.can_record_attendance(user, meeting),
        "can_record_decision": can_record_decision,
        "case_form": forms.CaseForm(user=user, meeting=meeting),
        "attendance_form": forms.AttendanceForm(participants=participants),
        "cancel_form": ReasonForm(),
    }
    return render(request, "meetings/meeting_detail.html", context)


@login_required
def participant_add(request, public_id):
    meeting = meeting_for_request(request, public_id)
    require(perms.can_edit_meeting(request.user, meeting))
    return form_page(
        request,
        forms.ParticipantForm(request.POST or None, meeting=meeting),
        lambda data: services.meeting_participant_add(
            meeting_id=meeting.pk, by=request.user, **data
        ),
        success=_("Participant invité."),
        done=_meeting_url(meeting),
        template="meetings/participant_form.html",
        context={"meeting": meeting},
    )


def _uuid(value: str):
    try:
        return uuid.UUID(value)
    except ValueError:
        raise Http404 from None


def _case_from_query(request) -> dict:
    """The referral or pathway the link came from (`?referral=` or `?pathway=`), looked up as
    the user sees it (404 otherwise): the service's arguments and what the page shows."""
    if request.GET.get("referral"):
        referral = referral_get_for_user(request.user, _uuid(request.GET["referral"]))
        return {"referral_public_id": referral.public_id, "referral": referral}
    if request.GET.get("pathway"):
        pathway = pathway_get_for_user(request.user, _uuid(request.GET["pathway"]))
        return {"pathway_public_id": pathway.public_id, "pathway": pathway}
    return {}


def _add_case(request, *, meeting, case: dict, data: dict) -> MeetingCase:
    source = {k: v for k, v in case.items() if k.endswith("_public_id")}
    if not source:
        referral = referral_by_reference_for_user(request.user, data["reference"])
        source = {"referral_public_id": referral.public_id}
    return services.meeting_case_add(
        meeting_id=(meeting or data["meeting"]).pk,
        by=request.user,
        question=data["question"],
        **source,
    )


def _case_page(request, *, meeting, case: dict):
    form = forms.CaseForm(
        request.POST or None, user=request.user, meeting=meeting, case_known=bool(case)
    )
    subject = case.get("referral") or case.get("pathway")
    if subject is not None:
        audit_record(request=request, action=AuditAction.VIEW, obj=subject)
    return form_page(
        request,
        form,
        lambda data: _add_case(request, meeting=meeting, case=case, data=data),
        success=_("Dossier inscrit à l'ordre du jour."),
        done=lambda c: _meeting_url(c.meeting),
        template="meetings/case_form.html",
        context={
            "meeting": meeting,
            "referral": case.get("referral"),
            "pathway": case.get("pathway"),
            "no_meeting_open": meeting is None and not form.fields["meeting"].queryset.exists(),
        },
    )


@login_required
def case_add(request, public_id):
    """A case for this meeting's agenda: by its referral's reference, or from the case's page."""
    meeting = meeting_for_request(request, public_id)
    require(perms.can_add_case(request.user, meeting))
    return _case_page(request, meeting=meeting, case=_case_from_query(request))


@login_required
def case_add_from(request):
    """From a referral's or a pathway's page: choose the meeting, ask the question."""
    require(perms.can_put_cases_on_agenda(request.user))
    case = _case_from_query(request)
    if not case:
        raise Http404
    return _case_page(request, meeting=None, case=case)


@login_required
def case_decide(request, public_id, case_id):
    with audit_refusal(
        request=request, object_type=MeetingCase._meta.label_lower, object_id=case_id
    ):
        case = meeting_case_get_for_user(request.user, public_id, case_id)
    meeting = case.meeting
    require(perms.can_record_decision(request.user, meeting))
    revealed = cases_revealed_to(request.user, [case])
    if revealed:
        subject = case.referral if case.referral_id else case.pathway
        audit_record(request=request, action=AuditAction.VIEW, obj=subject)
    # A case already decided shows its decision; a form sent again still reaches the service
    # (the same decision is a retry, another one is refused with its reason).
    context = {
        "meeting": meeting,
        "case": case,
        "revealed": revealed,
        "can_decide": perms.can_decide_case(request.user, case),
    }
    return form_page(
        request,
        forms.DecisionForm(request.POST or None),
        lambda data: services.meeting_case_decide(case_id=case.pk, by=request.user, **data),
        success=_("Décision enregistrée et transmise au médecin traitant."),
        done=_meeting_url(meeting),
        template="meetings/case_decision.html",
        context=context,
    )


meeting_actions = PageActions(
    route="<uuid:public_id>/",
    lookup=meeting_for_request,
    id_kwarg="meeting_id",
    back=lambda request, meeting: _meeting_url(meeting),
)
meeting_hold = meeting_actions.view(
    "tenir/", "hold", services.meeting_hold, gettext_lazy("Télé-RCP marquée tenue.")
)
meeting_cancel = meeting_actions.view(
    "annuler/",
    "cancel",
    services.meeting_cancel,
    gettext_lazy("Télé-RCP annulée ; les participants sont prévenus."),
    ReasonForm,
)
meeting_attendance = meeting_actions.view(
    "presences/",
    "attendance",
    services.meeting_attendance_record,
    gettext_lazy("Présences enregistrées."),
    forms.AttendanceForm,
    form_kwargs=lambda meeting: {"participants": meeting_participants(meeting)},
)


# ---------------------------------------------------------------------------------------------
# The minutes (PDF)
# ---------------------------------------------------------------------------------------------
@login_required
@require_GET
def minutes_pdf(request, public_id):
    """The minutes: title, date, participants and attendance, each case with its question and
    decision; the patient named only for the cases the reader may see (each one audited)."""
    meeting = meeting_for_request(request, public_id)
    cases, revealed = _agenda(request, meeting, AuditAction.PRINT)
    pdf = render_pdf(
        "pdf/meeting_minutes.html",
        {
            "meeting": meeting,
            "participants": meeting_participants(meeting),
            "cases": cases,
            "revealed": revealed,
            "team": Team.current(),
            "today": timezone.localdate(),
        },
    )
    day = timezone.localtime(meeting.starts_at)
    return pdf_attachment(pdf, f"compte-rendu-rcp-{day:%Y-%m-%d}.pdf")


# ---------------------------------------------------------------------------------------------
# On a referral's or a pathway's page (their apps' hooks, connected in apps.py)
# ---------------------------------------------------------------------------------------------
def _case_section(request, cases, link: str) -> str:
    can_add = perms.can_put_cases_on_agenda(request.user)
    if not cases and not can_add:
        return ""
    return render_to_string(
        "meetings/_case_meetings.html",
        {"meeting_cases": cases, "add_link": link if can_add else ""},
        request=request,
    )


def referral_page_meetings(sender, *, request, referral, **kwargs) -> str:
    link = reverse("meetings:case_add_from") + f"?referral={referral.public_id}"
    return _case_section(request, discussions_of(request.user, referral=referral), link)


def pathway_page_meetings(sender, *, request, pathway, **kwargs) -> str:
    link = reverse("meetings:case_add_from") + f"?pathway={pathway.public_id}"
    return _case_section(request, discussions_of(request.user, pathway=pathway), link)
