"""What the referral pages and actions share, requester side and ESS side alike: finding the
referral a request is about, and where an action posted from its page returns."""

from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from ess.audit import audit_refusal
from ess.web.actions import PageActions
from referrals.models import Referral
from referrals.selectors import referral_get_for_user


def referral_for_request(request, public_id, lookup=referral_get_for_user) -> Referral:
    """The referral a page or action is about; a refusal (404) is written to the audit trail."""
    with audit_refusal(
        request=request, object_type=Referral._meta.label_lower, object_id=public_id
    ):
        return lookup(request.user, public_id)


def action_back(request, referral) -> str:
    """Where an action returns: the page it was posted from (`next`, same site only), else the
    referral's page."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("referrals:detail", args=[referral.public_id])
    return target


referral_actions = PageActions(
    route="",
    lookup=referral_for_request,
    id_kwarg="referral_id",
    back=action_back,
)
