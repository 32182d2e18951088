"""Who may do what with a pathway, its tasks and its alerts. Actor checks only: the transition
tables (models.PATHWAY_TRANSITIONS, TASK_TRANSITIONS) decide what a status allows. One condition
per line; roles are named. A pathway is the business of its care circle and of the ESS's
coordinators, nobody else (selectors.pathways_visible_to is the same rule as a query)."""

from ess import workflow
from ess.roles import Role, has_any_role, has_role
from partners.models import Protocol
from pathways.models import (
    CircleRole,
    Pathway,
    PathwayAlert,
    PathwayStatus,
    PathwayTask,
    TaskStatus,
)

# Who has pathways to follow: the professionals of care circles (GPs reach theirs from the
# referral page too) and the coordination.
CARE_ROLES = frozenset({Role.REQUESTER, Role.COORDINATOR, Role.SPECIALIST, Role.PARAMEDIC})


def can_list_pathways(user) -> bool:
    """The list of pathways (each one shown only to its circle and the coordinators)."""
    return has_any_role(user, CARE_ROLES)


def can_view_worklist(user) -> bool:
    """The delegated professional's worklist: IPA, IDE."""
    return has_role(user, Role.PARAMEDIC)


def _is_coordinator(user) -> bool:
    return has_role(user, Role.COORDINATOR)


def circle_role(user, pathway: Pathway) -> str | None:
    """The user's role in the pathway's care circle, or None when they are not in it."""
    if not (user and user.is_authenticated):
        return None
    return pathway.circle.filter(user_id=user.pk).values_list("role", flat=True).first()


def can_view_pathway(user, pathway: Pathway) -> bool:
    return _is_coordinator(user) or circle_role(user, pathway) is not None


def can_open_pathway(user, referral) -> bool:
    """From a referral: the ESS's coordinators, and the specialist who holds or answered it."""
    if _is_coordinator(user):
        return True
    return has_role(user, Role.SPECIALIST) and referral.specialist_id == user.pk


def can_apply_protocol(user, protocol: Protocol) -> bool:
    """Only the protocol's own people apply it: its delegating doctors and its delegates."""
    if not (user and user.is_authenticated):
        return False
    if protocol.delegating_doctors.filter(pk=user.pk).exists():
        return True
    return protocol.delegates.filter(pk=user.pk).exists()


def can_manage_pathway(user, pathway: Pathway) -> bool:
    """Pause, resume, close, change the circle: the coordinators and the circle's specialists."""
    if _is_coordinator(user):
        return True
    return circle_role(user, pathway) == CircleRole.SPECIALIST


def can_write_in_pathway(user, pathway: Pathway) -> bool:
    """A note in the timeline: anyone of the circle, the coordinators, while it is not closed."""
    if pathway.status == PathwayStatus.CLOSED:
        return False
    return can_view_pathway(user, pathway)


def can_record_task(user, task: PathwayTask) -> bool:
    """A task's result: the professional it is assigned to, while the pathway is active."""
    if task.pathway.status != PathwayStatus.ACTIVE:
        return False
    return bool(user and user.is_authenticated and task.assignee_id == user.pk)


def can_cancel_task(user, task: PathwayTask) -> bool:
    return can_manage_pathway(user, task.pathway)


def can_answer_alert(user, alert: PathwayAlert) -> bool:
    """The doctor alerted, or another specialist of the circle."""
    if alert.answered_at is not None:
        return False
    if user and user.is_authenticated and alert.doctor_id == user.pk:
        return True
    return circle_role(user, alert.pathway) == CircleRole.SPECIALIST


def can_view_pathway_counts(user) -> bool:
    """Counts without names (the indicators): the authorities and the ESS's managers too."""
    return has_role(user, Role.AUTHORITY) or has_role(user, Role.MANAGER) or _is_coordinator(user)


PATHWAY_ACTIONS = workflow.register(
    Pathway,
    [
        workflow.Action("pause", to=PathwayStatus.PAUSED, allowed=can_manage_pathway),
        workflow.Action("resume", to=PathwayStatus.ACTIVE, allowed=can_manage_pathway),
        workflow.Action("close", to=PathwayStatus.CLOSED, allowed=can_manage_pathway),
    ],
)
TASK_ACTIONS = workflow.register(
    PathwayTask,
    [
        workflow.Action("record", to=TaskStatus.DONE, allowed=can_record_task),
        workflow.Action("cancel", to=TaskStatus.CANCELLED, allowed=can_cancel_task),
    ],
)
