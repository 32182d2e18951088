"""On-call swaps and gap warnings. A specialist on duty proposes a colleague (a volunteer of the
specialty, free then); a manager approves, and the duty moves, or refuses: the session swaps'
statuses and table (SWAP_TRANSITIONS) through the workflow core. Shifts nobody covers in the
days to come are told to managers and coordinators once each."""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ess import workflow
from ess.errors import TransitionNotAllowed
from ess.models import NotificationKind
from ess.notifications import notify
from ess.roles import Role
from members.models import User
from scheduling import permissions as perms
from scheduling.models import OnCallDuty, OnCallRoster, OnCallSwap, SwapStatus
from scheduling.selectors import on_call_gaps
from scheduling.services.common import managers
from scheduling.services.common import require as _require
from scheduling.services.oncall import check_free_volunteer, roster_url, save_duty


def _refused(swap, to) -> str:
    return _("Cette demande d'échange de garde a déjà été traitée (« %(status)s »).") % {
        "status": swap.get_status_display()
    }


@transaction.atomic
def on_call_swap_request(*, by, duty_id: int, replacement: User, reason: str = "") -> OnCallSwap:
    """The specialist on duty asks to hand it to a colleague. Managers and the colleague are
    told. Raises PermissionDenied (not theirs), TransitionNotAllowed (over, not published, a
    request already pending), ValidationError (the colleague: not a volunteer, absent, busy)."""
    duty = OnCallDuty.objects.select_for_update().get(pk=duty_id)
    _require(perms.can_request_on_call_swap(by, duty))
    shift = duty.shift
    if not shift.is_published or shift.ends_at <= timezone.now():
        raise TransitionNotAllowed(_("Cette garde est terminée ou n'est pas encore publiée."))
    if duty.swaps.filter(status=SwapStatus.PENDING).exists():
        raise TransitionNotAllowed(_("Un échange est déjà demandé pour cette garde."))
    if replacement.pk == by.pk:
        raise ValidationError({"replacement": _("Choisissez un ou une collègue.")})
    roster = OnCallRoster.objects.get_or_create(specialty_id=shift.specialty_id)[0]
    check_free_volunteer(replacement, shift, roster, field_name="replacement")
    swap = OnCallSwap.objects.create(
        duty=duty, requested_by=by, replacement=replacement, reason=reason.strip()[:300]
    )
    notify(
        recipients=[*managers(), replacement],
        kind=NotificationKind.ON_CALL,
        title=lambda: _("Échange de garde demandé : %(span)s") % {"span": shift.span},
        url=roster_url(shift),
        actor=by,
    )
    return swap


@transaction.atomic
def on_call_swap_decide(*, by, swap_id: int, approve: bool, note: str = "") -> OnCallSwap:
    """A manager approves (the colleague checked again: they may have become busy or absent)
    or refuses a swap. On approval the duty passes to the colleague, at the same rank. Both
    specialists are told. Deciding again the same way is a no-op; the other way, a
    TransitionNotAllowed. Lock order: the swap, then its duty."""
    _require(perms.can_decide_on_call_swap(by))
    swap = workflow.locked(OnCallSwap, swap_id)
    wanted = SwapStatus.APPROVED if approve else SwapStatus.REFUSED
    if swap.status == wanted:
        return swap
    workflow.check(swap, wanted, refused=_refused)
    duty = (
        OnCallDuty.objects.select_for_update()
        .select_related("shift__specialty")
        .get(pk=swap.duty_id)
    )
    shift = duty.shift
    if approve:
        if duty.specialist_id != swap.requested_by_id:
            raise TransitionNotAllowed(
                _("La garde a changé de titulaire entre-temps : refusez cette demande.")
            )
        if shift.ends_at <= timezone.now():
            raise TransitionNotAllowed(_("Cette garde est terminée."))
        replacement = User.objects.get(pk=swap.replacement_id)
        roster = OnCallRoster.objects.get_or_create(specialty_id=shift.specialty_id)[0]
        check_free_volunteer(replacement, shift, roster, field_name="replacement")
        duty.specialist = replacement
        save_duty(duty, "replacement")
    workflow.transition(swap, to=wanted, by=by, history=False, refused=_refused)
    swap.record_decision(by=by, note=note)
    verdict = gettext_lazy("accepté") if approve else gettext_lazy("refusé")
    notify(
        recipients=User.objects.filter(pk__in=[swap.requested_by_id, swap.replacement_id]),
        kind=NotificationKind.ON_CALL,
        title=lambda: (
            _("Échange de garde %(verdict)s : %(span)s") % {"verdict": verdict, "span": shift.span}
        ),
        url=roster_url(shift),
        actor=by,
    )
    return swap


def on_call_gaps_warn(*, now: datetime | None = None) -> int:
    """Tell managers and coordinators of each shift starting within ON_CALL_GAP_WARNING_DAYS
    that nobody will be called for (scheduling.selectors.on_call_gaps), once per shift and
    person (the notification's dedupe key): running it again tells nobody twice. Returns the
    number of notifications written."""
    now = now or timezone.now()
    horizon = now + timedelta(days=settings.ON_CALL_GAP_WARNING_DAYS)
    recipients = list(
        User.objects.filter(
            Q(role_grants__role=Role.MANAGER) | Q(role_grants__role=Role.COORDINATOR),
            is_active=True,
        ).distinct()
    )
    sent = 0
    for shift in on_call_gaps(now, horizon):
        with transaction.atomic():
            sent += len(
                notify(
                    recipients=recipients,
                    kind=NotificationKind.ON_CALL,
                    title=lambda shift=shift: (
                        _("Garde sans personne (%(specialty)s) : %(span)s")
                        % {"specialty": shift.specialty, "span": shift.span}
                    ),
                    url=roster_url(shift),
                    dedupe_key=f"oncall-gap:{shift.pk}",
                )
            )
    return sent
