"""What the referral pages and actions share, requester side and ESS side alike: finding the
referral a request is about, and running an action posted from its page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from ess.audit import audit_refusal
from ess.errors import TransitionNotAllowed
from referrals.models import Referral
from referrals.selectors import referral_get_for_user


def referral_for_request(request, public_id, lookup=referral_get_for_user) -> Referral:
    """The referral a page or action is about; a refusal (404) is written to the audit trail."""
    with audit_refusal(
        request=request, object_type=Referral._meta.label_lower, object_id=public_id
    ):
        return lookup(request.user, public_id)


def _act(request, public_id, form_class, call, success_message, *, files=False):
    """POST helper: validate the form, call the service, report in French, back to the page."""
    referral = referral_for_request(request, public_id)
    form = form_class(request.POST, request.FILES if files else None)
    if form.is_valid():
        try:
            call(referral, form.cleaned_data)
        except ValidationError as exc:
            for error in exc.messages:
                messages.error(request, error)
        except TransitionNotAllowed as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, success_message)
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label} : {error}" if label else error)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("referrals:detail", args=[public_id])
    return redirect(target)
