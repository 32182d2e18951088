"""Requests from professionals without an account: the public form and its confirmation link,
and the coordinator's recording of a request received by phone, fax or mail."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ess.throttle import throttled_response
from referrals import forms, services
from referrals import permissions as perms
from referrals.models import Status
from referrals.views_common import request_form_page, send_request


@require_http_methods(["GET", "POST"])
def referral_without_account(request):
    """The public request form (throttled per IP): nothing reaches the ESS before the sender
    follows the link emailed to them."""
    if request.user.is_authenticated and perms.can_submit_referral(request.user):
        return redirect("referrals:create")
    if throttled := throttled_response(request, action="referral_without_account"):
        return throttled
    form = forms.ReferralWithoutAccountForm(request.POST or None, request.FILES or None)
    return request_form_page(
        request,
        form,
        None,
        lambda kept: _send_without_account(request, form, kept),
        "referrals/referral_without_account.html",
    )


def _send_without_account(request, form, kept):
    data = form.cleaned_data
    sent = send_request(
        form,
        lambda: services.referral_submit_without_account(
            rpps=data["rpps"],
            email=data["email"],
            data=forms.referral_input(data, kept),
            submission_key=f"public:{data['submission_key']}",
        ),
    )
    if sent is None:
        return None
    request.session["referral_without_account_email"] = data["email"]
    return redirect("referrals:without_account_sent")


@require_GET
def referral_without_account_sent(request):
    email = request.session.get("referral_without_account_email", "")
    return render(request, "referrals/referral_without_account_sent.html", {"email": email})


@require_http_methods(["GET", "POST"])
def referral_confirm_without_account(request, token):
    """The emailed link. GET shows what will be sent and one button (a link opened by a mail
    scanner sends nothing); POST confirms. A second confirmation only says it is done."""
    referral = services.referral_from_confirmation_token(token)
    if referral is None:
        return render(request, "referrals/referral_confirm_invalid.html", status=404)
    if request.method == "POST":
        referral = services.referral_confirm(token=token)
        if referral is None:  # purged between the GET and the POST
            return render(request, "referrals/referral_confirm_invalid.html", status=404)
    context = {
        "referral": referral,
        "confirmed": referral.status != Status.AWAITING_CONFIRMATION,
        "just_confirmed": request.method == "POST",
    }
    return render(request, "referrals/referral_confirm.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def referral_record(request):
    """A coordinator records a request received by phone, fax or mail, for its caller."""
    if not perms.can_record_referral(request.user):
        raise PermissionDenied
    form = forms.RecordReferralForm(request.POST or None, request.FILES or None)
    return request_form_page(
        request,
        form,
        request.user,
        lambda kept: _record(request, form, kept),
        "referrals/referral_record.html",
    )


def _record(request, form, kept):
    data = form.cleaned_data
    referral = send_request(
        form,
        lambda: services.referral_record_for_caller(
            by=request.user,
            channel=data["channel"],
            data=forms.referral_input(data, kept),
            caller=data["caller"],
            rpps=data["rpps"],
            email=data["email"],
            phone=data["caller_phone"],
            submission_key=f"recorded:{data['submission_key']}",
        ),
    )
    if referral is None:
        return None
    messages.success(
        request,
        _("Demande %(ref)s enregistrée ; l'accusé de réception part au demandeur.")
        % {"ref": referral.reference},
    )
    return redirect("referrals:detail", public_id=referral.public_id)
