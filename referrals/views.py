"""Referral pages: the requester's list and form, the referral page (everyone involved), actions.

Each view validates the shape of the input, calls one service, renders. Access starts from
selectors.referral_get_for_user (404 for "not yours") and permissions.can_*.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ess.audit import audit_record, audit_record_many, audit_refusal
from ess.models import AuditAction
from ess.notifications import notifications_mark_read_for_page
from ess.private_search import search_recall, search_redirect, wants_search_redirect
from ess.workflow import available_actions
from referrals import case_forms, forms, services
from referrals import permissions as perms
from referrals.deadlines import due_times
from referrals.hooks import referral_page_sections
from referrals.intake_models import RECEIVED_BY
from referrals.models import (
    URGENCY_HELP,
    VISIBLE_STATUS_CHOICES,
    Attachment,
    Referral,
    Status,
    TeleexpertiseAct,
)
from referrals.pages import referral_list_for_requester
from referrals.patient_fields import patient_initial
from referrals.selectors import (
    attachment_get_for_user,
    patient_known_to,
    referral_messages,
    referral_timeline,
    requester_contact_for,
)
from referrals.views_common import (
    referral_actions,
    referral_for_request,
    request_form_page,
    send_request,
)
from referrals.views_ess import ess_actions_context
from referrals.views_immediate import immediate_panel


@login_required
@require_http_methods(["GET", "POST"])
def referral_list(request):
    """'Mes demandes': the requester's referrals (and their organisation's when they act for it).

    The search box POSTs (a patient's name stays out of the URL, see ess.private_search)."""
    if not perms.can_submit_referral(request.user):
        raise PermissionDenied
    if wants_search_redirect(request):
        return search_redirect(request, "referrals:list", keep=("statut",))
    status = request.GET.get("statut", "")
    if status not in Status.values:
        status = ""
    _token, search, search_expired = search_recall(request)
    page = Paginator(
        referral_list_for_requester(request.user, status=status, search=search), 20
    ).get_page(request.GET.get("page"))
    audit_record_many(
        request=request, action=AuditAction.VIEW, objects=page.object_list, label_attr="reference"
    )
    context = {
        "page": page,
        "status": status,
        "search": search,
        "search_expired": search_expired,
        "statuses": VISIBLE_STATUS_CHOICES,
    }
    template = "referrals/_referral_table.html" if request.htmx else "referrals/referral_list.html"
    return render(request, template, context)


@login_required
def referral_create(request):
    """The new-referral form. Files sent with a refused form are checked and kept for this
    session (referrals.services.pending): the corrected form offers them again, ticked."""
    if not perms.can_submit_referral(request.user):
        raise PermissionDenied
    form = forms.ReferralForm(request.POST or None, request.FILES or None, user=request.user)
    return request_form_page(
        request,
        form,
        request.user,
        lambda kept: _referral_submit(request, form, kept),
        "referrals/referral_form.html",
    )


def _referral_submit(request, form, kept):
    """Send the valid form; the referral page, or None with the service's refusal on the form."""
    data = form.cleaned_data
    sent = send_request(
        form,
        lambda: services.referral_submit(
            by=request.user,
            data=forms.referral_input(data, kept),
            idempotency_key=f"web:{data['submission_key']}",
        ),
    )
    if sent is None:
        return None
    referral, created = sent
    if created:
        messages.success(
            request, _("Demande %(ref)s envoyée à l'ESS.") % {"ref": referral.reference}
        )
    else:
        messages.info(
            request,
            _(
                "Cette demande était déjà enregistrée (%(ref)s) : elle "
                "n'a pas été envoyée deux fois."
            )
            % {"ref": referral.reference},
        )
    return redirect("referrals:detail", public_id=referral.public_id)


@login_required
@require_POST
def patient_prefill(request):
    """The new-referral form's patient fields filled from a patient this requester already
    referred, found by INS (htmx, on leaving the INS field). POST keeps the INS out of URLs and
    logs. A patient the requester may not see, an unknown or malformed INS: 204, the form stays
    as typed, nothing tells them apart."""
    if not perms.can_submit_referral(request.user):
        raise PermissionDenied
    patient = patient_known_to(request.user, request.POST.get("ins", ""))
    if patient is None:
        return HttpResponse(status=204)
    audit_record(
        request=request, action=AuditAction.VIEW, obj=patient, label="préremplissage par INS"
    )
    form = forms.ReferralForm(initial=patient_initial(patient), user=request.user)
    return render(request, "referrals/_referral_patient.html", {"form": form, "prefilled": patient})


def _next_steps(user, referral) -> dict | None:
    """What the requester (or the GP it was sent for) waits for, while nothing has come back:
    when the answer is due at the latest, and how they will be told."""
    if user.pk not in (referral.requester_id, referral.referring_gp_id):
        return None
    if not referral.is_waiting or referral.status == Status.INFO_REQUESTED:
        return None
    priority = referral.effective_priority
    return {
        "expected_by": referral.due_at or due_times(referral.submitted_at, priority)[0],
        "delay": URGENCY_HELP[priority],
        "email": user.notification_email,
    }


def _detail_context(request, referral):
    user = request.user
    actions = available_actions(user, referral)
    context = {
        "next_steps": _next_steps(user, referral),
        "immediate": immediate_panel(user, referral),
        "actions": actions,
        "referral": referral,
        "received_by": RECEIVED_BY.get(referral.channel, ""),
        "patient": referral.patient,
        "timeline": referral_timeline(user, referral),
        "thread": referral_messages(referral),
        "attachments": [a for a in referral.attachments.all() if a.message_id is None],
        "reports": [a for a in referral.attachments.all() if a.is_report],
        "can_post_message": perms.can_post_message(user, referral) and referral.is_open,
        "can_give_feedback": perms.can_give_feedback(user, referral)
        and referral.status == Status.COMPLETED
        and referral.feedback_useful is None,
        "is_staff_view": perms.can_view_internal_notes(user, referral),
        "requester_contact": requester_contact_for(referral)
        if perms.can_view_internal_notes(user, referral)
        else None,
        "act": TeleexpertiseAct.objects.select_related("requesting", "answering")
        .filter(referral=referral)
        .first(),
        "cancel_form": case_forms.CancelForm(),
        "info_form": case_forms.ProvideInfoForm(),
        "message_form": case_forms.MessageForm(),
        "feedback_form": case_forms.FeedbackForm(),
        # What the apps above referrals add (care pathways): referrals/hooks.py.
        "referral_sections": [
            section
            for _receiver, section in referral_page_sections.send(
                Referral, request=request, referral=referral
            )
        ],
    }
    context.update(ess_actions_context(request, referral, actions))
    return context


@login_required
@require_GET
def referral_detail(request, public_id):
    referral = referral_for_request(request, public_id)
    audit_record(request=request, action=AuditAction.VIEW, obj=referral, label=referral.reference)
    # Opening the referral reads what the bell said about it.
    notifications_mark_read_for_page(user=request.user, path=request.path)
    return render(request, "referrals/referral_detail.html", _detail_context(request, referral))


referral_cancel = referral_actions.view(
    "annuler/",
    "cancel",
    services.referral_cancel,
    gettext_lazy("Demande annulée."),
    case_forms.CancelForm,
)
referral_provide_info = referral_actions.view(
    "complement/",
    "provide_info",
    services.referral_provide_info,
    gettext_lazy("Complément envoyé : la demande retourne à la coordination."),
    case_forms.ProvideInfoForm,
    files=True,
)
message_create = referral_actions.view(
    "messages/",
    "message",
    services.message_post,
    gettext_lazy("Message envoyé."),
    case_forms.MessageForm,
    files=True,
)
referral_feedback = referral_actions.view(
    "retour/",
    "feedback",
    services.referral_feedback,
    gettext_lazy("Merci pour votre retour."),
    case_forms.FeedbackForm,
)


@login_required
@require_GET
def attachment_download(request, public_id, attachment_id):
    with audit_refusal(
        request=request, object_type=Attachment._meta.label_lower, object_id=attachment_id
    ):
        attachment = attachment_get_for_user(request.user, public_id, attachment_id)
    return attachment.download(
        request, label=f"{attachment.referral.reference} {attachment.original_name}"
    )
