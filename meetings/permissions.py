"""Who may do what with a case meeting (télé-RCP). Actor checks only: the transition table
(models.MEETING_TRANSITIONS) decides what a status allows. One condition per line; roles are
named. A meeting is the business of its organiser, its participants with an account and the
ESS's coordinators (selectors.meetings_visible_to is the same rule as a query); the identity of
each case's patient is shown only to those who may see the case itself (its referral or its
pathway)."""

from django.utils import timezone

from ess import workflow
from ess.roles import STAFF_ROLES, Role, has_any_role, has_role
from meetings.models import CaseMeeting, MeetingCase, MeetingStatus
from members.models import Membership, MembershipStatus

# Who organises a télé-RCP: the coordination, and the specialists who lead the discussion.
ORGANISER_ROLES = frozenset({Role.COORDINATOR, Role.SPECIALIST})


def _is_coordinator(user) -> bool:
    return has_role(user, Role.COORDINATOR)


def _signed_in(user) -> bool:
    return bool(user and user.is_authenticated)


def can_view_meetings(user) -> bool:
    """The list of meetings (each sees those they take part in): the ESS's staff."""
    return has_any_role(user, STAFF_ROLES)


def can_organise_meeting(user) -> bool:
    return has_any_role(user, ORGANISER_ROLES)


def can_take_part_in_meetings(user) -> bool:
    """Who may be invited with their account: a member of the ESS (an active membership) or
    one of its staff. A partner's professional is invited through their contact instead."""
    if user is None or not user.is_active:
        return False
    if user.roles & STAFF_ROLES:
        return True
    return Membership.objects.filter(user=user, status=MembershipStatus.ACTIVE).exists()


def is_participant(user, meeting: CaseMeeting) -> bool:
    if not _signed_in(user):
        return False
    return meeting.participants.filter(user_id=user.pk).exists()


def can_view_meeting(user, meeting: CaseMeeting) -> bool:
    if _is_coordinator(user):
        return True
    if _signed_in(user) and meeting.organiser_id == user.pk:
        return True
    return is_participant(user, meeting)


def can_manage_meeting(user, meeting: CaseMeeting) -> bool:
    """Change it, invite, record attendance and decisions, hold or cancel it: its organiser and
    the coordinators."""
    if _is_coordinator(user):
        return True
    return _signed_in(user) and meeting.organiser_id == user.pk


def can_edit_meeting(user, meeting: CaseMeeting) -> bool:
    """Its date, link and participants change while it is planned."""
    if meeting.status != MeetingStatus.PLANNED:
        return False
    return can_manage_meeting(user, meeting)


def can_add_case(user, meeting: CaseMeeting) -> bool:
    """A case on the agenda of a planned meeting: anyone taking part in it (the service checks
    that they may see the case itself)."""
    if meeting.status != MeetingStatus.PLANNED:
        return False
    return can_view_meeting(user, meeting)


def can_put_cases_on_agenda(user) -> bool:
    """The link « Inscrire en télé-RCP » on a referral's or a pathway's page."""
    return has_any_role(user, ORGANISER_ROLES)


def can_record_attendance(user, meeting: CaseMeeting) -> bool:
    if meeting.status == MeetingStatus.CANCELLED:
        return False
    return can_manage_meeting(user, meeting)


def can_record_decision(user, meeting: CaseMeeting) -> bool:
    """During the meeting or after it; never on a cancelled one."""
    if meeting.status == MeetingStatus.CANCELLED:
        return False
    return can_manage_meeting(user, meeting)


def can_decide_case(user, case: MeetingCase) -> bool:
    """The decision form of a case on the agenda: while it has none (a decision once recorded
    is told to the GP and stays as it is)."""
    if case.decided_at is not None:
        return False
    return can_record_decision(user, case.meeting)


def can_hold_meeting(user, meeting: CaseMeeting) -> bool:
    """Marked held once it has begun."""
    if meeting.starts_at > timezone.now():
        return False
    return can_manage_meeting(user, meeting)


def can_cancel_meeting(user, meeting: CaseMeeting) -> bool:
    return can_manage_meeting(user, meeting)


MEETING_ACTIONS = workflow.register(
    CaseMeeting,
    [
        workflow.Action("hold", to=MeetingStatus.HELD, allowed=can_hold_meeting),
        workflow.Action("cancel", to=MeetingStatus.CANCELLED, allowed=can_cancel_meeting),
    ],
)
