"""Who hears about what happens to a referral (docs/design.md §5). Called by the services inside
their transaction; see ess.notifications.notify for delivery."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ess.models import NotificationKind as Kind
from ess.notifications import notify
from ess.outbox import task_queue
from ess.roles import Role
from ess.text import labelled
from members.models import User
from referrals import emails
from referrals.answer_links import answer_link_url
from referrals.models import Priority, Referral, RequesterContact

NOTIFY_TASK = "referrals.tasks.notify_referral"

# Who is told, per kind: coordinators, the requester's side, or the specialists concerned.
COORDINATOR_KINDS = {
    Kind.REFERRAL_NEW,
    Kind.REFERRAL_DECLINED,
    Kind.REFERRAL_INFO_RECEIVED,
    Kind.REFERRAL_CANCELLED,
    Kind.SLA_NEARING,
    Kind.SLA_OVERDUE,
}
REQUESTER_KINDS = {
    Kind.REFERRAL_ACCEPTED,
    Kind.REFERRAL_INFO_REQUESTED,
    Kind.REFERRAL_SCHEDULED,
    Kind.REFERRAL_ANSWERED,
    Kind.REFERRAL_COMPLETED,
    Kind.REFERRAL_REORIENTED,
}


def coordinators():
    return User.objects.filter(role_grants__role=Role.COORDINATOR, is_active=True).distinct()


def _requester_side(referral) -> list:
    # The requester, and the patient's GP when the request was sent on their behalf.
    return [referral.requester, referral.referring_gp]


def _offered_specialists(referral) -> list:
    if referral.offered_to_id:
        return [referral.offered_to]
    if referral.offered_to_pool:
        return list(
            User.objects.filter(
                role_grants__role=Role.SPECIALIST,
                is_active=True,
                specialty_id=referral.specialty_id,
            ).distinct()
        )
    return []


def referral_detail_line(referral) -> str:
    """The referral's priority and, while it is open, its due date: what the person told
    needs to plan their work (no patient data)."""
    parts = []
    if referral.effective_priority:
        parts.append(
            _("Priorité : %(priority)s") % {"priority": Priority(referral.effective_priority).label}
        )
    if referral.due_at and referral.is_open:
        due = timezone.localtime(referral.due_at)
        parts.append(
            _("échéance : %(date)s à %(time)s")
            % {"date": due.strftime("%d/%m/%Y"), "time": due.strftime("%H:%M")}
        )
    return " · ".join(parts)


def _tell_contact(referral, kind: Kind) -> None:
    """A requester without an account (a stand-in that cannot sign in) is told by email at the
    address they gave, in French, without health data; an answer comes with the personal link
    that shows it once they give their RPPS/ADELI number (referrals/answer_links.py)."""
    if referral.requester.is_active:
        return
    contact = RequesterContact.objects.filter(
        stand_in_id=referral.requester_id, claimed_at=None
    ).first()
    if contact is not None:
        answered = kind in (Kind.REFERRAL_ANSWERED, Kind.REFERRAL_COMPLETED)
        link = answer_link_url(contact=contact, referral=referral) if answered else ""
        with translation.override(settings.LANGUAGE_CODE):
            emails.contact_update_email(
                to=contact.email,
                referral=referral,
                title=labelled(Kind(kind).label, referral.reference),
                link=link,
            )


def referral_notify(referral, kind: Kind, *, actor=None, dedupe_key: str = "") -> None:
    if kind in COORDINATOR_KINDS:
        recipients = list(coordinators())
        if kind == Kind.REFERRAL_CANCELLED:
            recipients += [referral.specialist, referral.offered_to]
    elif kind in REQUESTER_KINDS:
        recipients = _requester_side(referral)
        _tell_contact(referral, kind)
    elif kind in (Kind.REFERRAL_OFFERED, Kind.REFERRAL_ASSIGNED):
        recipients = _offered_specialists(referral)
    else:
        raise ValueError(kind)
    urgent = Priority.P1 in (referral.priority, referral.urgency_requested) or kind in (
        Kind.SLA_NEARING,
        Kind.SLA_OVERDUE,
    )
    notify(
        recipients=recipients,
        kind=kind,
        actor=actor,
        urgent=urgent,
        dedupe_key=dedupe_key,
        title=lambda: labelled(Kind(kind).label, referral.reference),
        detail=lambda: referral_detail_line(referral),
        url=reverse("referrals:detail", args=[referral.public_id]),
    )


def referral_notify_after_commit(referral, kind: Kind, *, actor=None) -> None:
    """referral_notify, done by a worker once the current transaction commits: the row asking
    for it commits with the change (ess.outbox.task_queue), the request does not wait for the
    notifications and their emails to be written."""
    task_queue(NOTIFY_TASK, referral.pk, str(kind), actor.pk if actor else None)


def referral_notify_by_id(*, referral_id: int, kind: str, actor_id: int | None = None) -> bool:
    """What referral_notify_after_commit asked for (run by the task). False when the referral
    is gone meanwhile (a request without an account purged)."""
    referral = (
        Referral.all_objects.select_related("requester", "referring_gp", "specialist", "offered_to")
        .filter(pk=referral_id)
        .first()
    )
    if referral is None:
        return False
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    referral_notify(referral, Kind(kind), actor=actor)
    return True


def message_notify(message) -> None:
    """Everyone taking part in the thread but the author: requester side, coordinators, and the
    specialist holding (or offered) the case."""
    referral = message.referral
    recipients = [
        *_requester_side(referral),
        *coordinators(),
        referral.specialist,
        referral.offered_to,
    ]
    notify(
        recipients=recipients,
        kind=Kind.MESSAGE_NEW,
        actor=message.author,
        title=lambda: labelled(Kind.MESSAGE_NEW.label, referral.reference),
        detail=lambda: referral_detail_line(referral),
        url=reverse("referrals:detail", args=[referral.public_id]) + "#thread-title",
    )
