"""Who may do what with memberships and the directory. One condition per line;
roles are named, never ranked."""

from ess import workflow
from ess.roles import Role, has_any_role, has_role
from members.models import Membership, MembershipStatus, Registration, RegistrationStatus

# Every signed-in health professional and the ESS's staff read the directory. ARS/CPAM staff
# (authority) do not: they follow the ESS through aggregated indicators, representativeness
# included, and can read the public page like anyone.
DIRECTORY_ROLES = frozenset(
    {Role.REQUESTER, Role.COORDINATOR, Role.SPECIALIST, Role.PARAMEDIC, Role.MANAGER}
)
# Members of the ESS and its staff: they see how the ESS is organised.
MEMBER_ROLES = frozenset({Role.COORDINATOR, Role.SPECIALIST, Role.PARAMEDIC, Role.MANAGER})


def can_view_directory(user) -> bool:
    return has_any_role(user, DIRECTORY_ROLES)


def can_export_directory(user) -> bool:
    return has_role(user, Role.MANAGER)


def can_view_organisation(user) -> bool:
    return has_any_role(user, MEMBER_ROLES)


def can_manage_memberships(user) -> bool:
    """Review applications, suspend, record departures, import lists, governance, headcounts."""
    return has_role(user, Role.MANAGER)


def can_manage_authority_accounts(user) -> bool:
    """See the ARS/CPAM accounts and set the institution each speaks for."""
    return has_role(user, Role.MANAGER)


def can_edit_membership(user, membership) -> bool:
    """The member edits their own entry (regulated fields then go back to a manager)."""
    if not user or not user.is_authenticated:
        return False
    return membership.user_id == user.pk


def can_leave_membership(user, membership) -> bool:
    return can_edit_membership(user, membership) or can_manage_memberships(user)


def can_review_registrations(user) -> bool:
    """Accept or refuse the self-registration of a professional practising outside the ESS's
    départements: the coordination, who knows who sends requests."""
    return has_role(user, Role.COORDINATOR)


_MANAGER = workflow.actor(can_manage_memberships)

# The membership workflow's actions for its page (ess.workflow.available_actions); the names are
# those of the POST endpoints. Activation (validated → active) is the new member's own link.
ACTIONS = workflow.register(
    Membership,
    [
        workflow.Action("validate", to=MembershipStatus.VALIDATED, allowed=_MANAGER),
        workflow.Action("request_changes", to=MembershipStatus.CHANGES_REQUESTED, allowed=_MANAGER),
        workflow.Action("refuse", to=MembershipStatus.REFUSED, allowed=_MANAGER),
        workflow.Action(
            "reinstate",
            to=MembershipStatus.ACTIVE,
            allowed=_MANAGER,
            sources=frozenset({MembershipStatus.SUSPENDED}),
        ),
        workflow.Action("suspend", to=MembershipStatus.SUSPENDED, allowed=_MANAGER),
        workflow.Action("leave", to=MembershipStatus.LEFT, allowed=can_leave_membership),
    ],
)

# Self-registration: the coordination decides on those from outside the territory. The
# professional's own link (unconfirmed → open or pending) is not an action of this page.
REGISTRATION_ACTIONS = workflow.register(
    Registration,
    [
        workflow.Action(
            "accept",
            to=RegistrationStatus.OPEN,
            allowed=workflow.actor(can_review_registrations),
            sources=frozenset({RegistrationStatus.PENDING}),
        ),
        workflow.Action(
            "refuse",
            to=RegistrationStatus.REFUSED,
            allowed=workflow.actor(can_review_registrations),
        ),
    ],
)
