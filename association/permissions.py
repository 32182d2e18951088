"""Who may do what with the association's life. Actor checks only: the transition table
(models.ASSEMBLY_TRANSITIONS) decides what a status allows. One condition per line; roles are
named. The management runs everything; a member of the ESS (an active membership) reads the
assemblies once convened, the minutes of those held, and their own fees
(selectors.assemblies_visible_to is the same rule as a query)."""

from django.utils import timezone

from association.models import AssemblyStatus, GeneralAssembly
from ess import workflow
from ess.roles import Role, has_role
from members.models import Membership, MembershipStatus

# What a member reads: the assemblies they are (or were) convened to.
MEMBER_VISIBLE_STATUSES = (AssemblyStatus.CONVENED, AssemblyStatus.HELD)


def can_manage_association(user) -> bool:
    return has_role(user, Role.MANAGER)


def active_membership(user) -> Membership | None:
    """The user's active membership, or None."""
    if not (user and user.is_authenticated and user.is_active):
        return None
    return Membership.objects.filter(user=user, status=MembershipStatus.ACTIVE).first()


def is_member(user) -> bool:
    return active_membership(user) is not None


def can_view_association(user) -> bool:
    """The association's page: the management and the members."""
    if can_manage_association(user):
        return True
    return is_member(user)


def can_view_assembly(user, assembly: GeneralAssembly) -> bool:
    if can_manage_association(user):
        return True
    if assembly.status not in MEMBER_VISIBLE_STATUSES:
        return False
    return is_member(user)


def can_read_minutes(user, assembly: GeneralAssembly) -> bool:
    if assembly.status != AssemblyStatus.HELD:
        return False
    return can_view_assembly(user, assembly)


def can_edit_assembly(user, assembly: GeneralAssembly) -> bool:
    """Its date, place and agenda change until it is held or cancelled."""
    if assembly.is_closed:
        return False
    return can_manage_association(user)


def can_record_attendance(user, assembly: GeneralAssembly) -> bool:
    """Attendance, proxies and votes: once convened, until the minutes are out (held)."""
    if assembly.status != AssemblyStatus.CONVENED:
        return False
    return can_manage_association(user)


def can_convene_assembly(user, assembly: GeneralAssembly) -> bool:
    """Convened before it begins: a past date is changed first."""
    if assembly.starts_at <= timezone.now():
        return False
    return can_manage_association(user)


def can_hold_assembly(user, assembly: GeneralAssembly) -> bool:
    """Marked held once it has begun."""
    if assembly.starts_at > timezone.now():
        return False
    return can_manage_association(user)


def can_cancel_assembly(user, assembly: GeneralAssembly) -> bool:
    return can_manage_association(user)


ASSEMBLY_ACTIONS = workflow.register(
    GeneralAssembly,
    [
        workflow.Action("convene", to=AssemblyStatus.CONVENED, allowed=can_convene_assembly),
        workflow.Action("hold", to=AssemblyStatus.HELD, allowed=can_hold_assembly),
        workflow.Action("cancel", to=AssemblyStatus.CANCELLED, allowed=can_cancel_assembly),
    ],
)
