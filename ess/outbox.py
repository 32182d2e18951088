"""Outbound email, and tasks to run after commit, as rows: written in the caller's transaction,
delivered (run) by a Celery task.

A Redis or SMTP outage delays an email, never loses it: the row stays pending and the task is
queued again by the periodic sweep (`sweep-pending-emails`). Only Celery beat runs that sweep: a
worker alone never picks up an email whose first queuing failed, so beat is part of production.
`/healthz` reports the age of the oldest pending email so that a stuck queue shows.

Work a request need not wait for (building the notifications of a new referral) is recorded the
same way (`task_queue`): an OutboundTask row in the request's transaction, sent to the broker after
commit, run once by a worker, swept again by `sweep-pending-tasks` if the broker was down.
"""

import logging
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Min, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from ess.models import OutboundEmail, OutboundTask

logger = logging.getLogger(__name__)

# A worker that claimed an email and died: after this lease another one may take it.
CLAIM_LEASE = timedelta(minutes=10)
# Set by tasks_run_inline: task_queue runs the task at once instead of recording it.
_run_inline: ContextVar[bool] = ContextVar("outbox_run_inline", default=False)
# Set by emails_of_the_past: (the moment before which an email is not sent, the ids held).
_past: ContextVar[tuple | None] = ContextVar("outbox_past", default=None)


def enqueue_on_commit(task_name: str, *args, countdown: float | None = None) -> None:
    """Queue the task published as `task_name` after commit (to run `countdown` seconds later
    when given); if the broker is down, log it: the row waits for the sweep.

    By its name, as beat's schedule does: a service queues a task whose module calls the service
    back, so the service cannot import it. Every app's tasks are registered when Django starts
    (ess/apps.py)."""

    def _send():
        task = current_app.tasks[task_name]
        try:
            task.apply_async(args, countdown=countdown)
        except Exception:  # the broker's errors vary by transport: any failure is "retry later"
            logger.warning("Broker unreachable, %s(%s) left for the sweep", task_name, args)

    transaction.on_commit(_send)


@contextmanager
def tasks_run_inline():
    """Within the block, task_queue runs each task at once in the caller's transaction, as the
    worker would later: the demo replays its past this way, every row dated at its moment."""
    token = _run_inline.set(True)
    try:
        yield
    finally:
        _run_inline.reset(token)


@contextmanager
def emails_of_the_past(before):
    """Within the block, an email recorded at a moment before `before` (the clock moved back:
    the demo replaying its past) is not sent: when the block ends it counts as delivered at
    that moment, in one statement. An email dated from `before` on is sent as usual."""
    held: list[int] = []
    token = _past.set((before, held))
    try:
        yield
    finally:
        _past.reset(token)
    for start in range(0, len(held), 5000):
        OutboundEmail.objects.filter(pk__in=held[start : start + 5000], sent_at=None).update(
            sent_at=F("created_at")
        )


def task_queue(task_name: str, *args) -> OutboundTask | None:
    """Record the task published as `task_name`, to run with `args` (JSON values: ids, names)
    once the current transaction commits: the row commits or rolls back with the change, the
    task is sent after commit and run once (task_run). Nothing is lost if the broker is down:
    the sweep sends it again. Inside tasks_run_inline, runs it at once and returns None."""
    if _run_inline.get():
        current_app.tasks[task_name](*args)
        return None
    row = OutboundTask.objects.create(task=task_name, args=list(args))
    enqueue_on_commit("ess.tasks.run_outbound_task", row.pk)
    return row


def task_run(*, row_id: int) -> bool:
    """Run the recorded task `row_id` in this process, once: it is locked, run and marked sent
    in one transaction, so a worker dying midway leaves it unsent (for the sweep) and a second
    delivery finds it sent or locked. Returns True when this call ran it. A failing task
    counts an attempt, keeps its error and is raised again (the sweep tries later)."""
    try:
        with transaction.atomic():
            row = (
                OutboundTask.objects.select_for_update(skip_locked=True)
                .filter(pk=row_id, sent_at=None)
                .first()
            )
            if row is None:
                return False
            current_app.tasks[row.task](*row.args)
            OutboundTask.objects.filter(pk=row_id).update(
                sent_at=timezone.now(), attempts=F("attempts") + 1, last_error=""
            )
    except Exception as exc:
        OutboundTask.objects.filter(pk=row_id).update(
            attempts=F("attempts") + 1, last_error=str(exc)[:2000]
        )
        raise
    return True


def tasks_pending_ids(*, older_than: timedelta = timedelta(minutes=2)) -> list[int]:
    """Recorded tasks not run yet and older than `older_than`: what the sweep sends again."""
    return pending_ids(OutboundTask, older_than=older_than)


def email_queue(
    *, to: str, subject: str, body_text: str, body_html: str = "", headers: dict | None = None
) -> OutboundEmail:
    """Record an email to send, and queue its delivery after the current transaction commits."""
    email = OutboundEmail.objects.create(
        to=to,
        subject=subject[:300],
        body_text=body_text,
        body_html=body_html,
        headers=headers or {},
    )
    past = _past.get()
    if past is not None and email.created_at < past[0]:
        past[1].append(email.pk)
    else:
        enqueue_on_commit("ess.tasks.deliver_email", email.pk)
    return email


def text_engine(template_name: str) -> str | None:
    """The template engine for `template_name`: plain text (.txt, never HTML-escaped) or the
    default one."""
    return "text" if template_name.endswith(".txt") else None


def language_of(user) -> str:
    """The language a person is written to in: the one they chose (the language switch or
    their notification preferences), French for everyone else."""
    return getattr(user, "language", "") or settings.LANGUAGE_CODE


def email_queue_rendered(
    *, to: str, template: str, context: dict, html: bool = True, language: str = ""
) -> OutboundEmail:
    """Queue the email of templates emails/<template>_subject.txt, _body.txt and, with `html`,
    _body.html, rendered with `context`: in `language` when given (the recipient's), otherwise
    in the language of the moment (the person writing to themselves through a form)."""

    def render(part: str) -> str:
        return render_to_string(f"emails/{template}_{part}", context, using=text_engine(part))

    with translation.override(language or translation.get_language()):
        return email_queue(
            to=to,
            subject=render("subject.txt").strip(),
            body_text=render("body.txt"),
            body_html=render("body.html") if html else "",
        )


def email_queue_message(message: EmailMessage) -> list[OutboundEmail]:
    """Queue an already rendered EmailMessage (allauth's), one row per recipient."""
    html = ""
    for content, mimetype in getattr(message, "alternatives", []) or []:
        if mimetype == "text/html":
            html = content
    body_text = message.body
    if message.content_subtype == "html":
        html, body_text = message.body, ""
    return [
        email_queue(to=to, subject=message.subject, body_text=body_text, body_html=html)
        for to in message.to
    ]


def email_deliver(*, email_id: int) -> bool:
    """Send one pending email. Idempotent: a sent or freshly claimed email is left alone.

    Returns True when this call sent it. Raises the transport's error after releasing the
    claim, so the task can retry.
    """
    if not claim(OutboundEmail, email_id):
        return False
    email = OutboundEmail.objects.get(pk=email_id)
    message = EmailMultiAlternatives(
        subject=email.subject, body=email.body_text, to=[email.to], headers=email.headers
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    send_claimed(message, OutboundEmail.objects.filter(pk=email_id))
    return True


def claim(model, pk: int) -> bool:
    """Claim the unsent row `pk` of an outbox model (claimed_at, sent_at, attempts): True when
    this caller got it, False when it is sent or another worker holds a fresh claim."""
    now = timezone.now()
    return bool(
        model.objects.filter(pk=pk, sent_at=None)
        .filter(Q(claimed_at=None) | Q(claimed_at__lt=now - CLAIM_LEASE))
        .update(claimed_at=now, attempts=F("attempts") + 1)
    )


def send_claimed(message: EmailMessage, claimed) -> None:
    """Send `message` for the claimed row(s) of `claimed` (a queryset of a model with
    claimed_at, sent_at and last_error): marked sent, or on failure the claim is released with
    the error and the transport's error raised again."""
    try:
        message.send()
    except Exception as exc:
        claimed.update(claimed_at=None, last_error=str(exc)[:2000])
        raise
    claimed.update(sent_at=timezone.now(), last_error="")


def emails_pending_ids(*, older_than: timedelta = timedelta(minutes=2)) -> list[int]:
    """Pending emails nobody is working on: what the periodic sweep queues again."""
    return pending_ids(OutboundEmail, older_than=older_than)


def pending_ids(model, *, older_than: timedelta) -> list[int]:
    """Unsent rows of an outbox model nobody is working on, older than `older_than`."""
    now = timezone.now()
    return list(
        model.objects.filter(sent_at=None, created_at__lt=now - older_than)
        .filter(Q(claimed_at=None) | Q(claimed_at__lt=now - CLAIM_LEASE))
        .values_list("pk", flat=True)[:500]
    )


def outbox_oldest_pending_age() -> timedelta | None:
    """How long the oldest undelivered email has waited (None: nothing waits).

    One index read on the partial index `outbox_pending` (created_at WHERE sent_at IS NULL)."""
    oldest = OutboundEmail.objects.filter(sent_at=None).aggregate(oldest=Min("created_at"))
    if oldest["oldest"] is None:
        return None
    return max(timezone.now() - oldest["oldest"], timedelta(0))
