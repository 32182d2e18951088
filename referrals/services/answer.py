"""The specialist's side of the lifecycle: accept or decline a case, set the appointment,
answer; then the requester's feedback.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ess.errors import TransitionNotAllowed
from ess.models import NotificationKind as Kind
from ess.permissions import require
from ess.text import required_text
from ess.uploads import check_uploads
from referrals import permissions as perms
from referrals.hooks import referral_answered
from referrals.models import (
    TAKEN_STATUSES,
    TELEEXPERTISE_MODES,
    EventKind,
    Referral,
    ReferralEvent,
    Status,
    TeleexpertiseAct,
)
from referrals.notifications import referral_notify
from referrals.services.common import (
    _locked,
    _locked_for,
    _refuse,
    _release_slot,
    _save,
    _store_files,
    _transition,
)
from scheduling.selectors import agenda_conflict

# What the specialist's answer sets (referral_complete).
ANSWER_FIELDS = ("answer", "recommended_actions", "consultation_needed", "answered_at")


@transaction.atomic
def referral_accept(*, referral_id: int, by) -> Referral:
    """The offered specialist (or one of the pool) takes the case. Exactly one wins a race:
    the others (the case was offered to them too) get TransitionNotAllowed("déjà prise en
    charge par un confrère"); anyone else gets PermissionDenied."""
    referral = _locked(referral_id)
    require(perms.can_accept_referral(by, referral) or perms.was_offered_before_taken(by, referral))
    if referral.status in (Status.ACCEPTED, Status.SCHEDULED) and referral.specialist_id == by.pk:
        return referral  # retried request
    if referral.status in TAKEN_STATUSES and referral.specialist_id != by.pk:
        raise TransitionNotAllowed(
            _("Cette demande a déjà été prise en charge par un confrère : %(who)s.")
            % {"who": referral.specialist.display_name}
        )
    _transition(referral, to=Status.ACCEPTED, by=by)
    # Accepting clears the offer: a peer who lost the race no longer passes can_accept, and
    # is recognised through the offer kept here.
    _save(
        referral,
        specialist=by,
        accepted_at=timezone.now(),
        taken_from_offer_to=referral.offered_to,
        taken_from_pool=referral.offered_to_pool,
        offered_to=None,
        offered_to_pool=False,
    )
    referral_notify(referral, Kind.REFERRAL_ACCEPTED, actor=by)
    return referral


@transaction.atomic
def referral_decline(*, referral_id: int, by, reason: str) -> Referral:
    """The specialist declines (reason required): the case goes back to the coordinator's queue."""
    referral = _locked_for(referral_id, by, perms.can_decline_referral)
    reason = required_text(reason, "reason", _("Indiquez le motif du refus."))
    if referral.status in (Status.ACCEPTED, Status.SCHEDULED) and referral.specialist_id != by.pk:
        raise _refuse(referral, Status.TRIAGED)
    if referral.status not in (Status.TRIAGED, Status.ACCEPTED, Status.SCHEDULED):
        raise TransitionNotAllowed(
            _(
                "Action impossible : la demande %(ref)s est « %(status)s », elle ne peut plus être "
                "refusée."
            )
            % {"ref": referral.reference, "status": referral.get_status_display()}
        )
    _transition(
        referral,
        to=Status.TRIAGED,
        by=by,
        note=reason,
        kind=EventKind.DECLINE,
        internal=True,
    )
    _release_slot(referral)
    _save(
        referral,
        offered_to=None,
        offered_to_pool=False,
        specialist=None,
        accepted_at=None,
        last_declined_at=timezone.now(),
    )
    referral_notify(referral, Kind.REFERRAL_DECLINED, actor=by)
    return referral


# How far ahead an appointment may be set: further is taken for a typing error in the year.
APPOINTMENT_HORIZON = timedelta(days=366)


def _check_appointment_time(starts_at: datetime) -> None:
    now = timezone.now()
    if starts_at <= now:
        raise ValidationError(
            {
                "starts_at": _(
                    "Le rendez-vous doit être à venir : indiquez une date et une heure futures."
                )
            }
        )
    if starts_at > now + APPOINTMENT_HORIZON:
        raise ValidationError(
            {"starts_at": _("Le rendez-vous doit avoir lieu dans l'année qui vient.")}
        )


@transaction.atomic
def referral_schedule(*, referral_id: int, by, starts_at: datetime, location: str) -> Referral:
    """The specialist holding the case sets (or moves) the appointment."""
    referral = _locked_for(referral_id, by, perms.can_schedule_referral)
    location = required_text(location, "location", _("Indiquez le lieu ou « téléconsultation »."))
    if (
        referral.status == Status.SCHEDULED
        and referral.appointment_at == starts_at
        and (referral.appointment_location == location)
    ):
        return referral
    _check_appointment_time(starts_at)
    if why := agenda_conflict(by.pk, starts_at):
        raise ValidationError(
            {
                "starts_at": _("Le rendez-vous du %(when)s est impossible : %(why)s.")
                % {"when": timezone.localtime(starts_at).strftime("%d/%m/%Y %H:%M"), "why": why}
            }
        )
    note = _("Rendez-vous le %(when)s — %(where)s") % {
        "when": timezone.localtime(starts_at).strftime("%d/%m/%Y %H:%M"),
        "where": location,
    }
    _transition(referral, to=Status.SCHEDULED, by=by, note=note)
    referral.appointment_at = starts_at
    referral.appointment_location = location
    referral.save(update_fields=["status", "appointment_at", "appointment_location", "updated_at"])
    referral_notify(referral, Kind.REFERRAL_SCHEDULED, actor=by)
    return referral


@transaction.atomic
def referral_complete(
    *,
    referral_id: int,
    by,
    answer: str,
    recommended_actions: str = "",
    consultation_needed: bool = False,
    report_files=(),
) -> Referral:
    """The specialist answers. A télé-expertise answer closes the case (and records the act for
    billing), unless it says a consultation is needed: then the answer is kept and the case stays
    with the specialist for scheduling, without the requester submitting again."""
    checked = check_uploads(report_files) if report_files else []
    referral = _locked_for(referral_id, by, perms.can_complete_referral)
    if referral.status == Status.COMPLETED:
        return referral
    if not answer.strip() and not checked:
        raise ValidationError({"answer": _("Rédigez la réponse ou joignez le compte rendu.")})
    if not referral.can_become(Status.COMPLETED):
        raise _refuse(referral, Status.COMPLETED)
    now = timezone.now()
    referral.answer = answer.strip()
    referral.recommended_actions = recommended_actions.strip()
    referral.consultation_needed = consultation_needed
    is_teleexpertise = referral.response_mode in TELEEXPERTISE_MODES
    if is_teleexpertise and referral.status == Status.ACCEPTED:
        codes = settings.ESS_TELEEXPERTISE_CODES
        TeleexpertiseAct.objects.get_or_create(
            referral=referral,
            defaults={
                "requesting": referral.requester,
                "answering": by,
                "performed_on": timezone.localdate(now),
                "requesting_code": codes["requesting"],
                "answering_code": codes["answering"],
            },
        )
    _store_files(referral=referral, files=checked, by=by, is_report=True)
    referral.answered_at = referral.answered_at or now
    if consultation_needed and referral.status == Status.ACCEPTED:
        # Not a change of status: the opinion is given, the case stays for scheduling.
        ReferralEvent.objects.create(
            referral=referral,
            actor=by,
            kind=EventKind.ANSWER,
            at=now,
            note=_("Avis rendu : une consultation est nécessaire, rendez-vous à fixer."),
        )
        referral.save(update_fields=[*ANSWER_FIELDS, "updated_at"])
        referral_notify(referral, Kind.REFERRAL_ANSWERED, actor=by)
        referral_answered.send(sender=Referral, referral=referral, by=by)
        return referral
    _transition(referral, to=Status.COMPLETED, by=by, at=now)
    referral.completed_at = referral.closed_at = now
    referral.save(
        update_fields=["status", *ANSWER_FIELDS, "completed_at", "closed_at", "updated_at"]
    )
    referral_notify(referral, Kind.REFERRAL_COMPLETED, actor=by)
    referral_answered.send(sender=Referral, referral=referral, by=by)
    return referral


@transaction.atomic
def referral_feedback(*, referral_id: int, by, useful: bool, avoided_visit: bool) -> Referral:
    """Close-out feedback from the requester on a completed case (feeds the indicators)."""
    referral = _locked_for(referral_id, by, perms.can_give_feedback)
    if referral.status != Status.COMPLETED:
        raise TransitionNotAllowed(_("Le retour se donne une fois la demande terminée."))
    referral.feedback_useful = useful
    referral.feedback_avoided_visit = avoided_visit
    referral.save(update_fields=["feedback_useful", "feedback_avoided_visit", "updated_at"])
    return referral
