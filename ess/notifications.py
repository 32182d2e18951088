"""Telling people: in-app notifications, and emails through the outbox.

`notify` is called inside the transaction of the change it reports: the notification rows and
their email rows commit (or roll back) with it, and delivery is queued after commit. Emails carry
no patient data: the title names the referral by its reference and the link asks to sign in.
"""

from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation

from ess.models import EmailChoice, Notification, NotificationEmail, NotificationKind
from ess.outbox import email_queue_rendered, language_of

# What a notification says, written for each recipient in their language: a function returning
# the text (it calls gettext when it runs), or a text that needs no translation.
Text = str | Callable[[], str]


def _written(text: Text) -> str:
    return str(text() if callable(text) else text)


def _email_state(user, urgent: bool) -> str:
    if urgent or user.notification_email == EmailChoice.IMMEDIATE:
        return NotificationEmail.PENDING_IMMEDIATE
    if user.notification_email == EmailChoice.DIGEST:
        return NotificationEmail.DIGEST
    return NotificationEmail.NONE


def notify(
    *,
    recipients: Iterable,
    kind: NotificationKind,
    title: Text,
    url: str,
    actor=None,
    urgent: bool = False,
    dedupe_key: str = "",
    detail: Text = "",
) -> list[Notification]:
    """Notify each recipient once (the actor excepted), in the recipient's language (`title`
    and `detail` are functions run in it). With `dedupe_key`, a recipient already notified with
    that key is skipped. Immediate emails are queued after commit."""
    created = []
    seen = set()
    for user in recipients:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        if actor is not None and user.pk == actor.pk:
            continue
        with translation.override(language_of(user)):
            notification = _notify_one(user, kind, title, detail, url, urgent, dedupe_key)
        if notification is not None:
            created.append(notification)
    return created


def _notify_one(user, kind, title: Text, detail: Text, url, urgent, dedupe_key):
    state = _email_state(user, urgent)
    notification = Notification(
        recipient=user,
        kind=kind,
        title=_written(title)[:200],
        detail=_written(detail)[:200],
        url=url,
        urgent=urgent,
        dedupe_key=dedupe_key,
        email_state=state,
    )
    immediate = state == NotificationEmail.PENDING_IMMEDIATE
    if dedupe_key:
        try:
            with transaction.atomic():
                notification.save(force_insert=True)
        except IntegrityError:  # already notified under this key
            return None
        if immediate:
            notification.email = _queue_email(user, [notification])
            notification.save(update_fields=["email"])
    else:
        # Nothing to undo on a conflict: the email first, then the notification naming it, in
        # one INSERT each (within the caller's transaction, or one of their own).
        with transaction.atomic(savepoint=False):
            if immediate:
                notification.email = _queue_email(user, [notification])
            notification.save(force_insert=True)
    return notification


def _queue_email(user, notifications: list[Notification]):
    context = {
        "user": user,
        "notifications": notifications,
        "base_url": settings.ESS_BASE_URL,
        "digest": len(notifications) > 1,
    }
    return email_queue_rendered(
        to=user.email, template="notification", context=context, language=language_of(user)
    )


def notifications_send_digests() -> int:
    """One email per person with the notifications kept for their daily digest. Idempotent:
    each notification is claimed (digest → digested) before its email row is written, in the
    same transaction."""
    sent = 0
    user_ids = (
        Notification.objects.filter(email_state=NotificationEmail.DIGEST)
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    for user in get_user_model().objects.filter(pk__in=list(user_ids), is_active=True):
        with transaction.atomic():
            pending = list(
                Notification.objects.select_for_update(skip_locked=True)
                .filter(recipient=user, email_state=NotificationEmail.DIGEST)
                .order_by("created_at")
            )
            if not pending:
                continue
            email = _queue_email(user, pending)
            Notification.objects.filter(pk__in=[n.pk for n in pending]).update(
                email_state=NotificationEmail.DIGESTED, email=email
            )
            sent += 1
    return sent


def notification_mark_read(*, user, public_id=None) -> int:
    """Mark one (or, without `public_id`, all) of the user's notifications as read."""
    qs = Notification.objects.filter(recipient=user, read_at=None)
    if public_id is not None:
        qs = qs.filter(public_id=public_id)
    return qs.update(read_at=timezone.now())


def notifications_mark_read_for_page(*, user, path: str) -> int:
    """The user opened the page at `path`: what they were told about it (a link to the page or
    to a part of it, `path#…`) is read, and the bell stops counting it."""
    return (
        Notification.objects.filter(recipient=user, read_at=None)
        .filter(Q(url=path) | Q(url__startswith=f"{path}#"))
        .update(read_at=timezone.now())
    )


def notifications_settled(*, dedupe_key: str) -> int:
    """What the notifications sent under `dedupe_key` asked of their recipients is done (a
    registration decided by one coordinator): they are read for everyone."""
    return Notification.objects.filter(dedupe_key=dedupe_key, read_at=None).update(
        read_at=timezone.now()
    )


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at=None).count()
