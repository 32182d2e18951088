"""Who may do what with trainings, campaigns, ETP programmes and residents. Actor checks only:
the transition tables (models.TRAINING_TRANSITIONS, REGISTRATION_TRANSITIONS) decide what a status
allows. One condition per line; roles are named.

Published trainings are public (anyone may read them and register); the rest is the business of
the ESS's management and coordination, and of a training's speakers for its attendance."""

from ess import workflow
from ess.roles import Role, has_any_role, has_role
from events.models import Training, TrainingStatus

# Who runs the ESS's events: the direction and the coordination.
EVENT_MANAGER_ROLES = frozenset({Role.MANAGER, Role.COORDINATOR})


def _signed_in(user) -> bool:
    return bool(user and user.is_authenticated)


def can_manage_events(user) -> bool:
    """Create, edit, publish and cancel trainings; record campaigns, ETP sessions and
    residents' placements."""
    return has_any_role(user, EVENT_MANAGER_ROLES)


# ---------------------------------------------------------------------------------------------
# ETP programmes and residents: the management and the coordination keep them; the specialists
# read them (they facilitate sessions and host residents), and a specialist who is a registered
# supervisor declares their own offers of places. Patients appear only as counts, residents by
# name: nothing here is patient data.
# ---------------------------------------------------------------------------------------------
ACTIVITY_READER_ROLES = frozenset({Role.MANAGER, Role.COORDINATOR, Role.SPECIALIST})


def can_view_activities(user) -> bool:
    """Read the ETP programmes and their sessions, the residents' supervisors, offers and
    placements (the pages /evenements/etp/ and /evenements/internes/, the API's ETP list)."""
    return has_any_role(user, ACTIVITY_READER_ROLES)


def can_manage_etp(user) -> bool:
    """Create and edit ETP programmes; record, correct and delete their sessions."""
    return can_manage_events(user)


def can_manage_residents(user) -> bool:
    """Register supervisors, declare any supervisor's offers, record placements."""
    return can_manage_events(user)


def can_declare_training_place(user, supervisor) -> bool:
    """Declare an offer of places for `supervisor`: the management for anyone; a specialist
    for their own supervision."""
    if can_manage_residents(user):
        return True
    return (
        has_role(user, Role.SPECIALIST)
        and supervisor is not None
        and supervisor.member_id == user.pk
    )


# ---------------------------------------------------------------------------------------------
# A training's workflow actions (the management pages' buttons and the API's allowed_actions):
# the names of their endpoints (events:publish, events:hold, events:cancel).
# ---------------------------------------------------------------------------------------------
TRAINING_ACTIONS = workflow.register(
    Training,
    [
        workflow.Action(
            "publish", to=TrainingStatus.PUBLISHED, allowed=workflow.actor(can_manage_events)
        ),
        workflow.Action("hold", to=TrainingStatus.HELD, allowed=workflow.actor(can_manage_events)),
        workflow.Action(
            "cancel", to=TrainingStatus.CANCELLED, allowed=workflow.actor(can_manage_events)
        ),
    ],
)
