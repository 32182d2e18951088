"""Who may do what with a referral. Actor checks only: the transition table (models.TRANSITIONS)
decides what the referral's status allows. One condition per line; roles are named."""

from ess import workflow
from ess.roles import Role, has_role
from referrals.models import (
    CONSULTATION_MODES,
    TAKEN_STATUSES,
    ImmediateAlert,
    Referral,
    Status,
)


def _is_requester_side(user, referral) -> bool:
    if not has_role(user, Role.REQUESTER):
        return False
    if referral.requester_id == user.pk or referral.referring_gp_id == user.pk:
        return True
    return bool(
        user.acts_for_organisation
        and user.organisation_id
        and referral.requester_organisation_id == user.organisation_id
    )


def _is_offered_to(user, referral) -> bool:
    if not has_role(user, Role.SPECIALIST):
        return False
    if referral.offered_to_id == user.pk:
        return True
    if referral.offered_to_pool and referral.specialty_id == user.specialty_id:
        return True
    return _alerted(user, referral)


def _alerted(user, referral) -> bool:
    """An immediate opinion awaiting its acknowledgement was escalated to this specialist (a
    later rank on call): it is offered to them too. Mirror of selectors.referrals_visible_to."""
    return referral.status == Status.TRIAGED and _alert_reached(user, referral)


def _alert_reached(user, referral) -> bool:
    return bool(
        referral.immediate
        and ImmediateAlert.objects.filter(referral_id=referral.pk, recipient_id=user.pk).exists()
    )


def _holds(user, referral) -> bool:
    return has_role(user, Role.SPECIALIST) and referral.specialist_id == user.pk


def _is_staff_on(user, referral) -> bool:
    """ESS staff involved: coordinators, managers, the specialist holding or offered the case."""
    if has_role(user, Role.COORDINATOR) or has_role(user, Role.MANAGER):
        return True
    return _holds(user, referral) or (
        referral.status == Status.TRIAGED and _is_offered_to(user, referral)
    )


def can_submit_referral(user) -> bool:
    return has_role(user, Role.REQUESTER)


def can_record_referral(user) -> bool:
    """Record a request received by phone, fax or mail, on behalf of its caller."""
    return has_role(user, Role.COORDINATOR)


def can_view_referral(user, referral) -> bool:
    """Mirror of selectors.referrals_visible_to for one object."""
    return _is_requester_side(user, referral) or _is_staff_on(user, referral)


def can_view_internal_notes(user, referral) -> bool:
    return _is_staff_on(user, referral)


def can_post_message(user, referral) -> bool:
    return can_view_referral(user, referral)


def can_cancel_referral(user, referral) -> bool:
    return _is_requester_side(user, referral)


def can_provide_info(user, referral) -> bool:
    return _is_requester_side(user, referral)


def can_give_feedback(user, referral) -> bool:
    return _is_requester_side(user, referral)


def can_triage_referral(user, referral=None) -> bool:
    """Also opens the regulation dashboard, the queue the coordinator triages."""
    return has_role(user, Role.COORDINATOR)


def can_request_info(user, referral) -> bool:
    # The specialist holding a case asks through the message thread: an information request
    # sends the case back to the queue, which is the coordinator's call.
    return has_role(user, Role.COORDINATOR)


def can_reorient_referral(user, referral) -> bool:
    return has_role(user, Role.COORDINATOR)


def can_add_internal_note(user, referral) -> bool:
    return has_role(user, Role.COORDINATOR) or _holds(user, referral)


def can_view_inbox(user) -> bool:
    """The specialist's page of the cases offered to them and of those they hold."""
    return has_role(user, Role.SPECIALIST)


def can_accept_referral(user, referral) -> bool:
    return _is_offered_to(user, referral) or _holds(user, referral)


def was_offered_before_taken(user, referral) -> bool:
    """The case was offered to this specialist (by name or through their specialty) and a
    colleague took it: their late accept is told the case is taken, not that it is unknown.
    Mirror of selectors.referrals_lost_by for one object."""
    if not has_role(user, Role.SPECIALIST) or referral.status not in TAKEN_STATUSES:
        return False
    if referral.taken_from_offer_to_id == user.pk:
        return True
    if referral.taken_from_pool and referral.specialty_id == user.specialty_id:
        return True
    return _alert_reached(user, referral)  # an immediate opinion they were alerted of


def can_acknowledge_immediate(user, referral) -> bool:
    """Answer an immediate opinion's alert (call back, open the video room): a specialist it
    was offered or escalated to, or the one holding it; one alerted after a colleague took it
    is let through to be told so. (Whether the referral is an immediate opinion is the
    service's check: a refusal the specialist may read, not a 403.)"""
    return (
        _is_offered_to(user, referral)
        or _holds(user, referral)
        or was_offered_before_taken(user, referral)  # told a colleague took it (409)
    )


def can_decline_referral(user, referral) -> bool:
    return _is_offered_to(user, referral) or _holds(user, referral)


def can_schedule_referral(user, referral) -> bool:
    return _holds(user, referral)


def can_complete_referral(user, referral) -> bool:
    return _holds(user, referral)


def can_check_identity(user, referral) -> bool:
    """An identity document is seen by whoever sees the patient: the specialist holding a
    consultation, never the coordination (which works from the file)."""
    return _holds(user, referral) and referral.response_mode in CONSULTATION_MODES


def _decline_allowed(user, referral) -> bool:
    # Once taken, only the specialist holding the case gives it back.
    if referral.status in TAKEN_STATUSES and not _holds(user, referral):
        return False
    return can_decline_referral(user, referral)


# What each action of the referral workflow needs, for referral pages and the API
# (ess.workflow.available_actions). The names are those of the POST endpoints.
ACTIONS = workflow.register(
    Referral,
    [
        # The table also takes an accepted or scheduled case back to triaged (a decline), but
        # triage itself starts from a submitted or triaged one.
        workflow.Action(
            "triage",
            to=Status.TRIAGED,
            allowed=can_triage_referral,
            sources=frozenset({Status.SUBMITTED, Status.TRIAGED}),
        ),
        workflow.Action("request_info", to=Status.INFO_REQUESTED, allowed=can_request_info),
        workflow.Action(
            "provide_info",
            to=Status.SUBMITTED,
            allowed=can_provide_info,
            sources=frozenset({Status.INFO_REQUESTED}),
        ),
        workflow.Action("accept", to=Status.ACCEPTED, allowed=can_accept_referral),
        workflow.Action(
            "decline",
            to=Status.TRIAGED,
            allowed=_decline_allowed,
            sources=frozenset({Status.TRIAGED, Status.ACCEPTED, Status.SCHEDULED}),
        ),
        workflow.Action("schedule", to=Status.SCHEDULED, allowed=can_schedule_referral),
        workflow.Action("complete", to=Status.COMPLETED, allowed=can_complete_referral),
        workflow.Action("reorient", to=Status.REORIENTED, allowed=can_reorient_referral),
        workflow.Action("cancel", to=Status.CANCELLED, allowed=can_cancel_referral),
    ],
)
