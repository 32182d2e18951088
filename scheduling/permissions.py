"""Who may do what with slots, absences, advanced consultations and on-call rosters. One
condition per line; roles are named, never ranked."""

from ess import workflow
from ess.roles import Role, has_role
from scheduling.models import OnCallSwap, SwapStatus


# ---------------------------------------------------------------------------------------------
# Availability (slots and absences)
# ---------------------------------------------------------------------------------------------
def can_publish_slots(user) -> bool:
    return has_role(user, Role.SPECIALIST)


def can_manage_slot(user, slot) -> bool:
    return has_role(user, Role.SPECIALIST) and slot.specialist_id == user.pk


def can_book_slot(user) -> bool:
    return has_role(user, Role.COORDINATOR)


# ---------------------------------------------------------------------------------------------
# Advanced consultations (sites, plans, sessions, bookings, swaps, day sheets, calendar feeds)
# ---------------------------------------------------------------------------------------------
def can_manage_consultations(user) -> bool:
    return has_role(user, Role.MANAGER)


def can_book_session(user) -> bool:
    return has_role(user, Role.COORDINATOR)


def can_run_consultations(user) -> bool:
    """Specialists, and paramedics (IPA, IDE) who consult under a protocol (nurse-led
    consultations): "my advanced consultations"."""
    return has_role(user, Role.SPECIALIST) or has_role(user, Role.PARAMEDIC)


def can_view_consultations(user) -> bool:
    return (
        has_role(user, Role.MANAGER)
        or has_role(user, Role.COORDINATOR)
        or can_run_consultations(user)
    )


def can_view_day_sheet(user, session) -> bool:
    """Patients' names and birth dates: the one who runs the session, coordinators,
    managers."""
    if has_role(user, Role.COORDINATOR) or has_role(user, Role.MANAGER):
        return True
    return can_run_consultations(user) and session.specialist_id == user.pk


def can_request_swap(user, session) -> bool:
    return has_role(user, Role.SPECIALIST) and session.specialist_id == user.pk


def can_open_session_to_sas(user, session) -> bool:
    return has_role(user, Role.SPECIALIST) and session.specialist_id == user.pk


def can_decide_swap(user) -> bool:
    return has_role(user, Role.MANAGER)


def can_have_calendar_feed(user) -> bool:
    return has_role(user, Role.SPECIALIST)


# ---------------------------------------------------------------------------------------------
# On-call rosters (/garde/)
# ---------------------------------------------------------------------------------------------
def can_manage_on_call(user) -> bool:
    """Shifts, volunteers, generating and publishing the roster, deciding swaps."""
    return has_role(user, Role.MANAGER)


def can_view_on_call(user) -> bool:
    """Who is on call: the coordination routes urgent requests by it, specialists read it."""
    return (
        has_role(user, Role.MANAGER)
        or has_role(user, Role.COORDINATOR)
        or has_role(user, Role.SPECIALIST)
    )


def can_volunteer_on_call(user) -> bool:
    return has_role(user, Role.SPECIALIST) and user.specialty_id is not None


def can_request_on_call_swap(user, duty) -> bool:
    return has_role(user, Role.SPECIALIST) and duty.specialist_id == user.pk


def can_decide_on_call_swap(user) -> bool:
    return has_role(user, Role.MANAGER)


# What each action of an on-call swap needs (ess.workflow.available_actions): the names are
# those of the decision's URL.
ON_CALL_SWAP_ACTIONS = workflow.register(
    OnCallSwap,
    [
        workflow.Action(
            "accepter", to=SwapStatus.APPROVED, allowed=workflow.actor(can_decide_on_call_swap)
        ),
        workflow.Action(
            "refuser", to=SwapStatus.REFUSED, allowed=workflow.actor(can_decide_on_call_swap)
        ),
    ],
)


# ---------------------------------------------------------------------------------------------
# Opening hours and closures
# ---------------------------------------------------------------------------------------------
def can_manage_opening_hours(user) -> bool:
    return has_role(user, Role.MANAGER)
