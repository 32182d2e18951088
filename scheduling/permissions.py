"""Who may do what with slots, absences and advanced consultations. One condition per line;
roles are named, never ranked."""

from ess.roles import Role, has_role


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


def can_view_consultations(user) -> bool:
    return (
        has_role(user, Role.MANAGER)
        or has_role(user, Role.COORDINATOR)
        or has_role(user, Role.SPECIALIST)
    )


def can_view_day_sheet(user, session) -> bool:
    """Patients' names and birth dates: the session's specialist, coordinators, managers."""
    if has_role(user, Role.COORDINATOR) or has_role(user, Role.MANAGER):
        return True
    return has_role(user, Role.SPECIALIST) and session.specialist_id == user.pk


def can_request_swap(user, session) -> bool:
    return has_role(user, Role.SPECIALIST) and session.specialist_id == user.pk


def can_decide_swap(user) -> bool:
    return has_role(user, Role.MANAGER)


def can_have_calendar_feed(user) -> bool:
    return has_role(user, Role.SPECIALIST)


# ---------------------------------------------------------------------------------------------
# Opening hours and closures
# ---------------------------------------------------------------------------------------------
def can_manage_opening_hours(user) -> bool:
    return has_role(user, Role.MANAGER)
