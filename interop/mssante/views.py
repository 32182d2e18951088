"""The referral page's section (the `referrals.hooks.referral_page_sections` hook): whether the
answer went out by secure messaging, and when."""

from django.template.loader import render_to_string

from interop.mssante.models import SecureMessage


def referral_page_secure_messages(sender, *, request, referral, **kwargs) -> str:
    """The referral's secure messages, for whoever sees its page (one query; nothing when none
    was recorded)."""
    messages = list(
        SecureMessage.objects.filter(referral=referral)
        .only("recipient", "created_at", "sent_at", "failed_at", "attempts")
        .order_by("created_at")
    )
    if not messages:
        return ""
    return render_to_string(
        "interop/_referral_secure_messages.html", {"secure_messages": messages}, request=request
    )
