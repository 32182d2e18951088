"""The coordinator's side of the lifecycle and the requester's answers to it: triage,
information requests, reorientation, cancellation, SLA escalation.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ess.errors import TransitionNotAllowed
from ess.models import NotificationKind as Kind
from ess.roles import Role
from ess.text import required_text
from ess.uploads import check_uploads
from referrals import permissions as perms
from referrals.deadlines import due_times, nearing_deadline
from referrals.models import (
    WAITING,
    Message,
    Priority,
    Referral,
    ResponseMode,
    Status,
)
from referrals.notifications import referral_notify
from referrals.services.common import (
    _close,
    _locked_for,
    _refuse,
    _save,
    _store_files,
    _stored_bytes,
    _transition,
)


@transaction.atomic
def referral_triage(
    *,
    referral_id: int,
    by,
    priority: str,
    response_mode: str,
    specialist=None,
    note: str = "",
    expected_version: datetime | None = None,
) -> Referral:
    """The coordinator sets priority, response mode and who takes it (a named specialist, or
    the specialty pool). Also used to re-assign a triaged case. Due time = submission + the
    priority's delay, counted by its rule (referrals.deadlines).

    `expected_version` (the referral's updated_at when the form was shown) refuses a stale form:
    another coordinator changed the referral meanwhile (TransitionNotAllowed)."""
    referral = _locked_for(referral_id, by, perms.can_triage_referral)
    if expected_version is not None and referral.updated_at != expected_version:
        raise TransitionNotAllowed(
            _(
                "La demande %(ref)s a été modifiée entre-temps (%(status)s) : vérifiez-la avant de "
                "la réguler."
            )
            % {"ref": referral.reference, "status": referral.get_status_display()}
        )
    if priority not in Priority.values:
        raise ValidationError({"priority": _("Priorité inconnue.")})
    if response_mode not in ResponseMode.values:
        raise ValidationError({"response_mode": _("Mode de réponse inconnu.")})
    if specialist is not None and (
        Role.SPECIALIST not in specialist.roles
        or specialist.specialty_id != referral.specialty_id
        or not specialist.is_active
    ):
        raise ValidationError(
            {"specialist": _("Ce spécialiste n'exerce pas la spécialité demandée.")}
        )
    if referral.status not in (Status.SUBMITTED, Status.TRIAGED):
        raise _refuse(referral, Status.TRIAGED)
    if _triaged_alike(referral, priority, response_mode, specialist, note):
        return referral
    _transition(referral, to=Status.TRIAGED, by=by, note=note)
    # Recomputed from submission with the priority set now. The same due time (the urgency
    # asked for confirmed) keeps its escalations; a new one is escalated afresh, each
    # threshold notified once all the same (the notifications' dedupe key).
    due_at, escalate_at = due_times(referral.submitted_at, priority)
    _save(
        referral,
        priority=priority,
        response_mode=response_mode,
        due_at=due_at,
        escalate_at=escalate_at,
        escalation_level=referral.escalation_level if due_at == referral.due_at else 0,
        offered_to=specialist,
        offered_to_pool=specialist is None,
        triaged_at=referral.triaged_at or timezone.now(),
        info_received_at=None,
        last_declined_at=None,
    )
    referral_notify(
        referral,
        Kind.REFERRAL_ASSIGNED if specialist else Kind.REFERRAL_OFFERED,
        actor=by,
    )
    return referral


def _triaged_alike(referral, priority, response_mode, specialist, note) -> bool:
    """The referral is triaged so already, with this note, and nobody declined it since: the
    same form sent again (a double click, the browser's Back) changes and notifies nothing."""
    if referral.status != Status.TRIAGED or referral.last_declined_at is not None:
        return False
    if (referral.priority, referral.response_mode) != (priority, response_mode):
        return False
    if (referral.offered_to_id, referral.offered_to_pool) != (
        specialist.pk if specialist else None,
        specialist is None,
    ):
        return False
    last = referral.events.filter(to_status=Status.TRIAGED).order_by("-at", "-pk").first()
    return last is not None and last.note.strip() == note.strip()


@transaction.atomic
def referral_request_info(*, referral_id: int, by, question: str) -> Referral:
    """The coordinator asks the requester for more; the question is posted in the thread."""
    referral = _locked_for(referral_id, by, perms.can_request_info)
    question = required_text(question, "question", _("Précisez ce qui manque."))
    if referral.status == Status.INFO_REQUESTED:
        return referral
    _transition(referral, to=Status.INFO_REQUESTED, by=by, note=question)
    Message.objects.create(referral=referral, author=by, body=question)
    referral.save(update_fields=["status", "updated_at"])
    referral_notify(referral, Kind.REFERRAL_INFO_REQUESTED, actor=by)
    return referral


@transaction.atomic
def referral_provide_info(*, referral_id: int, by, answer: str, files=()) -> Referral:
    """The requester answers an information request: the referral is back in the queue."""
    checked = check_uploads(files, already_stored=_stored_bytes(referral_id)) if files else []
    referral = _locked_for(referral_id, by, perms.can_provide_info)
    if not answer.strip() and not checked:
        raise ValidationError({"answer": _("Répondez à la question ou joignez un document.")})
    if referral.status != Status.INFO_REQUESTED:
        raise _refuse(referral, Status.SUBMITTED)
    _transition(referral, to=Status.SUBMITTED, by=by, note=_("Complément apporté"))
    message = Message.objects.create(
        referral=referral, author=by, body=answer.strip() or _("Document joint.")
    )
    _store_files(referral=referral, files=checked, by=by, message=message)
    referral.info_received_at = timezone.now()
    referral.save(update_fields=["status", "info_received_at", "updated_at"])
    referral_notify(referral, Kind.REFERRAL_INFO_RECEIVED, actor=by)
    return referral


@transaction.atomic
def referral_reorient(*, referral_id: int, by, target: str, reason: str) -> Referral:
    """Sent outside the ESS (hospital, another team), with where and why."""
    referral = _locked_for(referral_id, by, perms.can_reorient_referral)
    if not target.strip() or not reason.strip():
        raise ValidationError(
            {"target": _("Indiquez vers qui et pourquoi la demande est réorientée.")}
        )
    if referral.status == Status.REORIENTED:
        return referral
    _transition(referral, to=Status.REORIENTED, by=by, note=f"{target.strip()} — {reason.strip()}")
    _close(referral, reason=reason.strip(), reorient_target=target.strip())
    referral_notify(referral, Kind.REFERRAL_REORIENTED, actor=by)
    return referral


@transaction.atomic
def referral_cancel(*, referral_id: int, by, reason: str) -> Referral:
    """The requester withdraws a referral not yet accepted by a specialist (reason required)."""
    referral = _locked_for(referral_id, by, perms.can_cancel_referral)
    reason = required_text(reason, "reason", _("Indiquez le motif de l'annulation."))
    if referral.status == Status.CANCELLED:
        return referral
    _transition(referral, to=Status.CANCELLED, by=by, note=reason)
    # Told before the offer is cleared: the specialist it was offered to hears of it too.
    referral_notify(referral, Kind.REFERRAL_CANCELLED, actor=by)
    _close(referral, reason=reason)
    return referral


def referrals_escalate(*, now=None) -> int:
    """SLA escalation (Celery beat, every 10 minutes): referrals still waiting for their answer
    at 75 % of their due time, then past it, are escalated to coordinators once per threshold;
    new requests too, from the provisional due time of the urgency asked for.

    Each threshold is claimed by a conditional UPDATE (escalation_level below it), so overlapping
    runs never escalate twice. Returns the number of escalations."""
    now = now or timezone.now()
    done = 0
    for level, kind, reached in (
        (75, Kind.SLA_NEARING, nearing_deadline(now)),
        (100, Kind.SLA_OVERDUE, WAITING & Q(due_at__lte=now)),
    ):
        candidates = Referral.objects.filter(reached, escalation_level__lt=level)
        for referral in candidates.select_related("requester").order_by("due_at")[:500]:
            with transaction.atomic():
                claimed = Referral.objects.filter(
                    pk=referral.pk, escalation_level__lt=level
                ).update(escalation_level=level)
                if claimed:
                    referral_notify(referral, kind, dedupe_key=f"sla{level}:{referral.pk}")
                    done += 1
    return done
