"""What a partner's page shows of the referrals sent from its organisations: counts for the ESS
staff, the list for the triage team (each one read is audited). Partners sits below referrals:
this answers its `partner_page_context` hook (connected in referrals/apps.py)."""

from ess.audit import audit_record_many
from ess.models import AuditAction
from partners import permissions as partner_perms
from referrals.selectors import partner_referral_counts, partner_referrals


def partner_page_referrals(sender, *, request, partner, **kwargs) -> dict:
    user = request.user
    context = {
        "referral_counts": partner_referral_counts(partner)
        if partner_perms.can_view_partner_referral_counts(user)
        else None,
    }
    if partner_perms.can_view_partner_referrals(user):
        context["referrals"] = partner_referrals(user, partner)
        audit_record_many(
            request=request,
            action=AuditAction.VIEW,
            objects=context["referrals"],
            label_attr="reference",
        )
    return context
