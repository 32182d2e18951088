"""Referral pages: the requester's list and form, the referral page (everyone involved), actions.

Each view validates the shape of the input, calls one service, renders. Access starts from
selectors.referral_get_for_user (404 for "not yours") and permissions.can_*.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from ess.audit import audit_record, audit_record_many, audit_refusal
from ess.errors import IdempotencyConflict
from ess.models import AuditAction
from ess.notifications import notifications_mark_read_for_page
from ess.private_search import search_recall, search_redirect, wants_search_redirect
from ess.web.forms import add_service_errors
from ess.workflow import available_actions
from referrals import forms, services
from referrals import permissions as perms
from referrals.models import VISIBLE_STATUS_CHOICES, Attachment, Status, TeleexpertiseAct
from referrals.selectors import (
    attachment_get_for_user,
    referral_list_for_requester,
    referral_messages,
    referral_timeline,
    requester_contact_for,
)
from referrals.views_common import referral_actions, referral_for_request
from referrals.views_ess import ess_actions_context


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
    if not perms.can_submit_referral(request.user):
        raise PermissionDenied
    form = forms.ReferralForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        payload = forms.referral_input(data)
        try:
            referral, created = services.referral_submit(
                by=request.user, data=payload, idempotency_key=f"web:{data['submission_key']}"
            )
        except ValidationError as exc:
            add_service_errors(form, exc, loose_field="files")
        except IdempotencyConflict:
            form.add_error(
                None,
                _(
                    "Ce formulaire a déjà été envoyé avec d'autres données : "
                    "rechargez la page pour une nouvelle demande."
                ),
            )
        else:
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
    if form.is_bound and form.errors and request.FILES:
        messages.warning(
            request,
            _(
                "Corrigez les champs signalés ; pour des raisons de "
                "sécurité, les pièces jointes sont à sélectionner à nouveau."
            ),
        )
    return render(request, "referrals/referral_form.html", {"form": form})


def _detail_context(request, referral):
    user = request.user
    actions = available_actions(user, referral)
    context = {
        "actions": actions,
        "referral": referral,
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
        "cancel_form": forms.CancelForm(),
        "info_form": forms.ProvideInfoForm(),
        "message_form": forms.MessageForm(),
        "feedback_form": forms.FeedbackForm(),
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
    forms.CancelForm,
)
referral_provide_info = referral_actions.view(
    "complement/",
    "provide_info",
    services.referral_provide_info,
    gettext_lazy("Complément envoyé : la demande retourne à la coordination."),
    forms.ProvideInfoForm,
    files=True,
)
message_create = referral_actions.view(
    "messages/",
    "message",
    services.message_post,
    gettext_lazy("Message envoyé."),
    forms.MessageForm,
    files=True,
)
referral_feedback = referral_actions.view(
    "retour/",
    "feedback",
    services.referral_feedback,
    gettext_lazy("Merci pour votre retour."),
    forms.FeedbackForm,
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
