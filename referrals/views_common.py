"""What the referral pages and actions share, requester side and ESS side alike: finding the
referral a request is about, where an action posted from its page returns, a specialist taking a
case, and how a form that sends a new request shows the service's refusal."""

from collections.abc import Callable
from typing import TypeVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import ngettext

from ess.errors import IdempotencyConflict
from ess.web.actions import PageActions, post_action
from ess.web.forms import add_service_errors
from ess.web.lookups import object_for_request
from referrals.forms import SENT_WITH_OTHER_DATA
from referrals.models import Referral
from referrals.selectors import referral_get_for_accept, referral_get_for_user
from referrals.services.pending import pending_attachments_for, pending_attachments_keep

T = TypeVar("T")


def referral_for_request(request, public_id, lookup=referral_get_for_user) -> Referral:
    """The referral a page or action is about; a refusal (404) is written to the audit trail."""
    return object_for_request(request, Referral, lookup, public_id)


def action_back(request, referral) -> str:
    """Where an action returns: the page it was posted from (`next`, same site only), else the
    referral's page."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("referrals:detail", args=[referral.public_id])
    return target


def take_case(request, public_id, service, success, **arguments):
    """A specialist takes a case (from the inbox, or answering an alert):
    `service(referral_id=…, by=…, **arguments)`, then the case's page. The case is found even
    when a colleague took it first, so the service says so (409) rather than "not found";
    refused, back to the inbox, since the case may no longer be theirs to see."""
    referral = referral_for_request(request, public_id, lookup=referral_get_for_accept)
    return post_action(
        request,
        lambda _data: service(referral_id=referral.pk, by=request.user, **arguments),
        success=success,
        back=reverse("referrals:inbox"),
        done=reverse("referrals:detail", kwargs={"public_id": public_id}),
    )


def send_request(form, send: Callable[[], T]) -> T | None:
    """What `send()` (the service that takes in a new request) returns, or None with its
    refusal on `form`: each field's messages on that field, those that name none on the files,
    a key already used for other data as SENT_WITH_OTHER_DATA."""
    try:
        return send()
    except ValidationError as exc:
        add_service_errors(form, exc, loose_field="files")
    except IdempotencyConflict:
        form.add_error(None, SENT_WITH_OTHER_DATA)
    return None


def request_form_page(request, form, user, send: Callable[[list], HttpResponse | None], template):
    """The page of a form that sends a new request with files. A POST calls `send(kept)` with the
    valid form and the files kept from an earlier attempt: its response, or None with the
    service's refusal on the form. A refused form (any field, here or in the service) keeps the
    new files that pass the checks for this browser session (referrals.services.pending), for
    `user` (None without an account): `template` shows the form again with them, ticked, and
    names the files refused at once."""
    kept = []
    if request.method == "POST":
        if request.session.session_key is None:
            request.session.save()  # the kept files are bound to this browser session
        session = {"user": user, "session_key": request.session.session_key}
        kept = pending_attachments_for(**session, public_ids=request.POST.getlist("kept_files"))
        if form.is_valid():
            response = send(kept)
            if response is not None:
                return response
        added, refusals = pending_attachments_keep(**session, uploads=form.files.getlist("files"))
        kept += added
        if not form.has_error("files"):  # the service already named the refused files
            for refusal in refusals:
                form.add_error("files", refusal)
    if kept and form.errors:
        messages.info(
            request,
            ngettext(
                "Votre pièce jointe est conservée : inutile de la joindre à nouveau.",
                "Vos %(count)s pièces jointes sont conservées : inutile de les joindre à nouveau.",
                len(kept),
            )
            % {"count": len(kept)},
        )
    return render(request, template, {"form": form, "kept_files": kept})


referral_actions = PageActions(
    route="",
    lookup=referral_for_request,
    id_kwarg="referral_id",
    back=action_back,
)
