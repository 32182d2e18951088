"""What a partner's page shows of the referrals sent from its organisations: counts for the ESS
staff, the list for the triage team (each one read is audited). Partners sits below referrals:
this answers its `partner_page_sections` hook (connected in referrals/apps.py)."""

from django.template.loader import render_to_string

from ess.audit import audit_record_many
from ess.models import AuditAction
from partners import permissions as partner_perms
from referrals.selectors import partner_referral_counts, partner_referrals


def partner_page_referrals(sender, *, request, partner, **kwargs) -> str:
    user = request.user
    if not partner_perms.can_view_partner_referral_counts(user):
        return ""
    referrals = None
    if partner_perms.can_view_partner_referrals(user):
        referrals = partner_referrals(user, partner)
        audit_record_many(
            request=request, action=AuditAction.VIEW, objects=referrals, label_attr="reference"
        )
    return render_to_string(
        "referrals/_partner_referrals.html",
        {"referral_counts": partner_referral_counts(partner), "referrals": referrals},
        request=request,
    )
