"""Swaps: a specialist hands one of their sessions to a colleague, a manager decides."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ess.errors import TransitionNotAllowed
from ess.models import NotificationKind
from ess.notifications import notify
from members.models import User
from scheduling import permissions as perms
from scheduling.models import (
    Appointment,
    ConsultationSession,
    SessionStatus,
    SwapRequest,
    SwapStatus,
)
from scheduling.services.common import consultations_url, managers
from scheduling.services.common import require as _require
from scheduling.services.common import starts as _when
from scheduling.services.sessions import check_can_run, save_specialist

# Sent inside swap_decide's transaction when an approved swap hands a session to a colleague,
# with `session` and `specialist` (the colleague). Whoever books holders into sessions (the
# referrals, whose specialist is the session's) makes them follow; an exception in a receiver
# undoes the swap.
session_handed_over = Signal()


@transaction.atomic
def swap_request(*, by, session_id: int, replacement: User, reason: str = "") -> SwapRequest:
    """The session's specialist asks to hand it to a colleague (a volunteer of the plan or any
    specialist of the specialty). Managers are told. Raises PermissionDenied, TransitionNotAllowed
    (past or cancelled session, a request already pending), ValidationError (colleague)."""
    session = ConsultationSession.objects.select_for_update().get(pk=session_id)
    _require(perms.can_request_swap(by, session))
    if session.status == SessionStatus.CANCELLED or session.starts_at <= timezone.now():
        raise TransitionNotAllowed(_("Cette consultation est passée ou annulée."))
    if session.swap_requests.filter(status=SwapStatus.PENDING).exists():
        raise TransitionNotAllowed(_("Un échange est déjà demandé pour cette consultation."))
    if replacement.pk == by.pk:
        raise ValidationError({"replacement": _("Choisissez un ou une collègue.")})
    check_can_run(replacement, session, field_name="replacement")
    swap = SwapRequest.objects.create(
        session=session, requested_by=by, replacement=replacement, reason=reason.strip()
    )
    notify(
        recipients=[*managers(), replacement],
        kind=NotificationKind.CONSULTATION,
        title=lambda: (
            _("Échange demandé : consultation avancée du %(when)s") % {"when": _when(session)}
        ),
        url=consultations_url(),
        actor=by,
    )
    return swap


@transaction.atomic
def swap_decide(*, by, swap_id: int, approve: bool, note: str = "") -> SwapRequest:
    """A manager approves (constraints checked again: the colleague may have become busy) or
    refuses a swap. On approval the session and the referrals booked into it pass to the
    colleague (session_handed_over). Both specialists are told. Deciding again the same way is a
    no-op.

    Lock order (scheduling/services/__init__.py): the swap, then on approval the referrals booked
    into the session, then the session."""
    _require(perms.can_decide_swap(by))
    swap = SwapRequest.objects.select_for_update().get(pk=swap_id)
    wanted = SwapStatus.APPROVED if approve else SwapStatus.REFUSED
    if swap.status == wanted:
        return swap
    if swap.status != SwapStatus.PENDING:
        raise TransitionNotAllowed(_("Cette demande d'échange a déjà été traitée."))
    if approve:
        _lock_holders(swap.session_id)
    session = ConsultationSession.objects.select_for_update().get(pk=swap.session_id)
    if approve:
        if session.specialist_id != swap.requested_by_id:
            raise TransitionNotAllowed(
                _("La consultation a changé de spécialiste entre-temps : refusez cette demande.")
            )
        replacement = User.objects.get(pk=swap.replacement_id)
        check_can_run(replacement, session, field_name="replacement")
        session.specialist = replacement
        save_specialist(session, "replacement")
        session_handed_over.send(ConsultationSession, session=session, specialist=replacement)
    swap.status = wanted
    swap.record_decision(by=by, note=note)
    verdict = gettext_lazy("accepté") if approve else gettext_lazy("refusé")
    notify(
        recipients=[swap.requested_by, swap.replacement],
        kind=NotificationKind.CONSULTATION,
        title=lambda: (
            _("Échange %(verdict)s : consultation avancée du %(when)s")
            % {"verdict": verdict, "when": _when(session)}
        ),
        url=consultations_url(),
        actor=by,
    )
    return swap


def _lock_holders(session_id: int) -> None:
    """Lock the rows of the referrals booked into the session, through the appointments' own
    foreign key: a referral's transitions lock it before they free its place in the session."""
    list(
        Appointment.objects.filter(session_id=session_id)
        .select_related("referral")
        .select_for_update(of=("referral",))
    )
