"""Who may do what with partners and conventions. One condition per line; roles are named.

- managers edit everything (partners, contacts, conventions, documents, transitions);
- ESS staff (coordinators, specialists, paramedics) and authority users read partners and
  conventions; requesters see nothing here;
- where requests come from: coordinators see the list of a partner's referrals, other staff only
  counts, authority users no referral data at all;
- the convention register (CSV, PDF) is for managers and authority users;
- documents: signed PDFs for managers, coordinators, authority users and the convention's
  referent; drafts and annexes for managers and the referent only.
"""

from django.utils import timezone

from ess import workflow
from ess.roles import Role, has_any_role, has_role
from partners.models import Convention, ConventionStatus

READER_ROLES = frozenset(
    {Role.MANAGER, Role.COORDINATOR, Role.SPECIALIST, Role.PARAMEDIC, Role.AUTHORITY}
)


def can_view_partners(user) -> bool:
    """Mirror of selectors.partners_visible_to / conventions_visible_to."""
    return has_any_role(user, READER_ROLES)


def can_manage_partners(user) -> bool:
    return has_role(user, Role.MANAGER)


def can_manage_conventions(user) -> bool:
    return has_role(user, Role.MANAGER)


def can_view_partner_referrals(user) -> bool:
    """The list of referrals that came from a partner (patient data: the triage team only)."""
    return has_role(user, Role.COORDINATOR)


def can_view_partner_referral_counts(user) -> bool:
    return has_any_role(user, {Role.COORDINATOR, Role.MANAGER, Role.SPECIALIST, Role.PARAMEDIC})


def can_view_convention_register(user) -> bool:
    return has_any_role(user, {Role.MANAGER, Role.AUTHORITY})


def can_download_convention_document(user, document) -> bool:
    if not can_view_partners(user):
        return False
    if has_role(user, Role.MANAGER):
        return True
    if document.convention.referent_id == user.pk:
        return True
    if document.doc_type != "signed":
        return False
    return has_any_role(user, {Role.COORDINATOR, Role.AUTHORITY})


def _may_activate(user, convention) -> bool:
    # In force on its date of effect, not before.
    today = timezone.localdate()
    effective_on = convention.effective_on
    return can_manage_conventions(user) and bool(effective_on and effective_on <= today)


def _may_expire(user, convention) -> bool:
    # Over once its end date has passed (before that, it is terminated).
    end_on = convention.end_on
    return can_manage_conventions(user) and bool(end_on and end_on < timezone.localdate())


_MANAGER = workflow.actor(can_manage_conventions)

# The convention workflow's actions, named as the API's endpoints, for the convention page and
# the API's `allowed_actions` (ess.workflow.available_actions).
ACTIONS = workflow.register(
    Convention,
    [
        workflow.Action(
            "submit_for_negotiation",
            to=ConventionStatus.NEGOTIATION,
            allowed=_MANAGER,
        ),
        workflow.Action("sign", to=ConventionStatus.SIGNED, allowed=_MANAGER),
        workflow.Action("activate", to=ConventionStatus.ACTIVE, allowed=_may_activate),
        workflow.Action("expire", to=ConventionStatus.EXPIRED, allowed=_may_expire),
        workflow.Action("terminate", to=ConventionStatus.TERMINATED, allowed=_MANAGER),
    ],
)
