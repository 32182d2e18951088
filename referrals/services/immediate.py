"""Immediate opinions ("avis immédiat"): during on-call hours a requester asks the specialist on
call of a specialty. The request goes through intake like any other, then skips triage (P1,
synchronous télé-expertise, offered to the first on call); the specialist is alerted at once
(in-app, email, SMS), acknowledges by calling back or opening a video room, which takes the
case, and answers as for any télé-expertise (referral_complete records the act).

Nobody acknowledging within `ESS_IMMEDIATE_ESCALATION_MINUTES`: the next person on call, then
the coordinators, are alerted — each level once (`ImmediateAlert`, unique per referral and
level), from a task queued with a countdown at each level and a periodic sweep.
"""

from contextlib import suppress
from dataclasses import replace
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ess.errors import TransitionNotAllowed
from ess.models import NotificationKind as Kind
from ess.notifications import notify
from ess.outbox import enqueue_on_commit, language_of
from ess.permissions import require
from ess.sms import sms_queue
from ess.validators import format_phone, normalize_phone
from referrals import permissions as perms
from referrals.deadlines import due_times
from referrals.models import (
    AcknowledgeMode,
    Channel,
    ImmediateAlert,
    ImmediateRequest,
    PreferredResponse,
    Priority,
    Referral,
    ResponseMode,
    Status,
)
from referrals.notifications import coordinators
from referrals.services.answer import referral_accept
from referrals.services.common import _locked, _save
from referrals.services.intake import (
    ReferralInput,
    referral_checked_and_created_once,
    referral_create,
)
from scheduling.selectors import next_on_call_start, on_call_at

ESCALATE_TASK = "referrals.tasks.escalate_immediate"
# The question as the text message quotes it: enough to know what the call is about.
SMS_QUESTION_LENGTH = 160


def escalation_delay() -> timedelta:
    return timedelta(minutes=settings.ESS_IMMEDIATE_ESCALATION_MINUTES)


def on_call_closed_message(specialty, now: datetime) -> str:
    """Why no immediate opinion can be asked in `specialty` now, and when it can again."""
    opens = next_on_call_start(specialty.pk, now)
    if opens is None:
        return _(
            "Aucun spécialiste n'est de garde en %(specialty)s et aucune garde n'est prévue : "
            "envoyez une demande ordinaire."
        ) % {"specialty": specialty.label}
    opens = timezone.localtime(opens)
    return _(
        "Aucun spécialiste n'est de garde en %(specialty)s en ce moment : la garde reprend le "
        "%(date)s à %(time)s. D'ici là, envoyez une demande ordinaire."
    ) % {
        "specialty": specialty.label,
        "date": opens.strftime("%d/%m/%Y"),
        "time": opens.strftime("%H:%M"),
    }


def _callback_number(value: str) -> str:
    try:
        number = normalize_phone(value)
    except ValidationError as exc:
        raise ValidationError({"callback_phone": exc.messages}) from None
    if not number:
        raise ValidationError(
            {"callback_phone": _("Indiquez le numéro auquel le spécialiste vous rappelle.")}
        )
    return number


def immediate_submit(
    *,
    by,
    data: ReferralInput,
    callback_phone: str,
    idempotency_key: str = "",
    channel: str = Channel.WEB,
) -> tuple[Referral, bool]:
    """A requester asks the specialist on call of `data.specialty` for an immediate opinion.
    Returns (referral, created), as referral_submit does (same checks, same idempotency).

    Raises PermissionDenied (not a requester); ValidationError before anything is written:
    nobody on call in that specialty (`specialty`, saying when the on-call duty resumes), the
    callback number (`callback_phone`), and every check of a submission. Sets off: the alert
    of the first on call (in-app, email, SMS) and the escalation's timed check, after commit.
    """
    require(perms.can_submit_referral(by))
    number = _callback_number(callback_phone)
    data = replace(
        data,
        urgency=Priority.P1,
        preferred_response=PreferredResponse.OPINION,
        callback_availability=_("Rappel immédiat au %(phone)s") % {"phone": format_phone(number)},
    )
    now = timezone.now()
    if not on_call_at(data.specialty.pk, now):
        raise ValidationError({"specialty": on_call_closed_message(data.specialty, now)})
    return referral_checked_and_created_once(
        by=by,
        key=idempotency_key,
        data=data,
        create=lambda checked: _immediate_create(
            by=by, data=data, checked=checked, number=number, channel=channel
        ),
    )


def _immediate_create(*, by, data, checked, number: str, channel: str) -> Referral:
    now = timezone.now()
    on_call = on_call_at(data.specialty.pk, now)
    if not on_call:  # the shift ended while the files were checked
        raise ValidationError({"specialty": on_call_closed_message(data.specialty, now)})
    first = on_call[0]
    referral = referral_create(
        requester=by,
        data=data,
        checked_files=checked,
        actor=by,
        channel=channel,
        status=Status.TRIAGED,
        note=_("Avis immédiat : régulation automatique, proposé au spécialiste de garde, %(name)s.")
        % {"name": first.display_name},
        triaged_by_platform=True,
    )
    due_at, escalate_at = due_times(referral.submitted_at, Priority.P1)
    referral.immediate = True
    referral.priority = Priority.P1
    referral.response_mode = ResponseMode.TELEEXPERTISE_SYNC
    referral.due_at, referral.escalate_at = due_at, escalate_at
    referral.offered_to = first
    referral.triaged_at = referral.submitted_at
    referral.save(
        update_fields=[
            "immediate",
            "priority",
            "response_mode",
            "due_at",
            "escalate_at",
            "offered_to",
            "triaged_at",
            "updated_at",
        ]
    )
    request = ImmediateRequest.objects.create(
        referral=referral, callback_phone=number, next_alert_at=now + escalation_delay()
    )
    _alert(referral, request, level=1, recipient=first)
    enqueue_on_commit(ESCALATE_TASK, referral.pk, countdown=escalation_delay().total_seconds())
    return referral


def _sms_text(referral: Referral, request: ImmediateRequest) -> str:
    """No patient identity; the question, cut short, and the number to call back."""
    question = " ".join(referral.question.split())
    if len(question) > SMS_QUESTION_LENGTH:
        question = question[: SMS_QUESTION_LENGTH - 1] + "…"
    return _(
        "ESS – avis immédiat %(specialty)s (%(ref)s) : « %(question)s » Rappeler %(name)s au "
        "%(phone)s. %(url)s"
    ) % {
        "specialty": referral.specialty.label,
        "ref": referral.reference,
        "question": question,
        "name": referral.requester.display_name,
        "phone": format_phone(request.callback_phone),
        "url": settings.ESS_BASE_URL + reverse("referrals:detail", args=[referral.public_id]),
    }


def _alert(referral: Referral, request: ImmediateRequest, *, level: int, recipient) -> None:
    """Alert one level (inside the caller's transaction, the request's row locked): the
    specialist `recipient` in-app, by email and by SMS, or with no recipient the coordinators."""
    ImmediateAlert.objects.create(referral=referral, level=level, recipient=recipient)
    phone = format_phone(request.callback_phone)
    if recipient is not None:
        people = [recipient]

        def title() -> str:
            return _("Avis immédiat demandé : %(ref)s") % {"ref": referral.reference}

        def detail() -> str:
            return _("%(specialty)s · rappeler le %(phone)s") % {
                "specialty": referral.specialty.label,
                "phone": phone,
            }

        # A number the profile got wrong sends no SMS: the in-app alert and the email remain.
        with suppress(ValidationError):
            if number := normalize_phone(recipient.phone):
                with translation.override(language_of(recipient)):
                    sms_queue(to=number, body=_sms_text(referral, request))
    else:
        people = list(coordinators())

        def title() -> str:
            return _("Avis immédiat sans réponse du spécialiste de garde : %(ref)s") % {
                "ref": referral.reference
            }

        def detail() -> str:
            return _("%(specialty)s · le demandeur attend au %(phone)s") % {
                "specialty": referral.specialty.label,
                "phone": phone,
            }

    notify(
        recipients=people,
        kind=Kind.IMMEDIATE,
        urgent=True,
        title=title,
        detail=detail,
        dedupe_key=f"immediate:{referral.pk}:{level}",
        url=reverse("referrals:detail", args=[referral.public_id]),
    )


def immediate_escalate(*, referral_id: int, now: datetime | None = None) -> bool:
    """Alert the next level of an immediate opinion nobody acknowledged in time: the next person
    on call not alerted yet, else the coordinators (the last level). Returns True when this call
    alerted someone. Idempotent: the request's row is locked, a level not yet due, one already
    alerted, or a request acknowledged (or otherwise taken out of the offer) changes nothing;
    `ImmediateAlert` refuses a level twice. Queues the check of the next level after commit."""
    now = now or timezone.now()
    with transaction.atomic():
        request = (
            ImmediateRequest.objects.select_for_update()
            .select_related("referral__specialty", "referral__requester")
            .filter(referral_id=referral_id)
            .first()
        )
        if request is None or request.next_alert_at is None or request.next_alert_at > now:
            return False
        referral = request.referral
        if referral.status != Status.TRIAGED:
            request.next_alert_at = None
            request.save(update_fields=["next_alert_at"])
            return False
        alerted = set(
            ImmediateAlert.objects.filter(referral=referral, recipient__isnull=False).values_list(
                "recipient_id", flat=True
            )
        )
        nextone = next(
            (p for p in on_call_at(referral.specialty_id, now) if p.pk not in alerted), None
        )
        level = request.level + 1
        _alert(referral, request, level=level, recipient=nextone)
        request.level = level
        request.next_alert_at = now + escalation_delay() if nextone else None
        request.save(update_fields=["level", "next_alert_at"])
        if nextone:
            enqueue_on_commit(
                ESCALATE_TASK, referral.pk, countdown=escalation_delay().total_seconds()
            )
    return True


def immediate_requests_due(now: datetime | None = None) -> list[int]:
    """Ids of the referrals whose next alert level is due: what the periodic sweep escalates."""
    now = now or timezone.now()
    return list(
        ImmediateRequest.objects.filter(next_alert_at__lte=now)
        .order_by("next_alert_at")
        .values_list("referral_id", flat=True)[:500]
    )


@transaction.atomic
def immediate_acknowledge(*, referral_id: int, by, mode: str = AcknowledgeMode.CALLBACK):
    """The specialist alerted for an immediate opinion answers the alert: they call the
    requester back (`callback`) or open the video room (`video`). Either takes the case
    (referral_accept: exactly one specialist wins, the others get TransitionNotAllowed) and stops
    the escalation. The specialist holding the case may open the video room later.

    Raises PermissionDenied (not alerted, not holding it), TransitionNotAllowed (not an
    immediate opinion, or taken by a colleague), ValidationError (unknown mode, or a video room
    asked while no video service is configured)."""
    referral = _locked(referral_id)
    require(perms.can_acknowledge_immediate(by, referral))
    if not referral.immediate:
        raise TransitionNotAllowed(
            _("La demande %(ref)s n'est pas un avis immédiat : prenez-la en charge.")
            % {"ref": referral.reference}
        )
    if mode not in AcknowledgeMode.values:
        raise ValidationError({"mode": _("Réponse à l'alerte inconnue.")})
    if mode == AcknowledgeMode.VIDEO and not settings.ESS_VIDEO_BASE_URL:
        raise ValidationError({"mode": _("Aucun service de visioconférence n'est configuré.")})
    request = ImmediateRequest.objects.select_for_update().get(referral=referral)
    if referral.status == Status.TRIAGED and referral.offered_to_id != by.pk:
        # A later rank answers: the offer becomes theirs, the acceptance takes it.
        _save(referral, offered_to=by, offered_to_pool=False)
    already_held = referral.specialist_id == by.pk
    referral = referral_accept(referral_id=referral.pk, by=by)
    if already_held and (request.mode == mode or mode == AcknowledgeMode.CALLBACK):
        return referral  # a retried request; a video room, once open, stays the way in
    request.mode = mode
    request.next_alert_at = None
    request.save(update_fields=["mode", "next_alert_at"])
    return referral
