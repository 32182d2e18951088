"""Record the secure message of an answer, and send it once.

Recorded in the answer's transaction (the `referral_answered` hook, connected in
interop/apps.py), delivered by `interop.tasks.deliver_secure_message` after commit, and queued
again by the periodic sweep while the server is unreachable. Sending and marking sent happen in
one transaction that holds the row's lock: a second delivery of the same task finds the row
locked (skipped) or sent (nothing to do).
"""

import logging
import smtplib
from datetime import timedelta
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ess.audit import audit_record_sent
from ess.models import Team
from ess.outbox import enqueue_on_commit
from ess.pdf import html_to_pdf
from interop.answer_report import answer_report_files, answer_report_html
from interop.mssante.backend import mssante_configured, mssante_connection
from interop.mssante.models import SecureMessage

logger = logging.getLogger(__name__)

DELIVER_TASK = "interop.tasks.deliver_secure_message"
# The uploaded report files travel with the message up to this size in all; past it, the message
# says they are on the platform (MSSanté operators cap a message at about 10 MB).
MAX_ATTACHED_BYTES = 8 * 1024 * 1024


def _recipients(referral) -> list[str]:
    """The requester's MSSanté address, and the referring GP's when the request was sent on
    their behalf (the GP is kept informed): active accounts only, each address once."""
    addresses = []
    for person in (referral.requester, referral.referring_gp):
        address = person.mssante_email if person is not None and person.is_active else ""
        if address and address not in addresses:
            addresses.append(address)
    return addresses


def _context(referral, by) -> dict:
    reports = answer_report_files(referral)
    attached_size = sum(a.size for a in reports)
    return {
        "referral": referral,
        "patient": referral.patient,
        "specialist": by,
        "team": Team.current(),
        "reports": reports,
        "reports_attached": bool(reports) and attached_size <= MAX_ATTACHED_BYTES,
        "url": settings.ESS_BASE_URL + reverse("referrals:detail", args=[referral.public_id]),
    }


def secure_message_record_answer(*, referral, by) -> list[SecureMessage]:
    """Record the answer of `referral` (just written by the specialist `by`) as a secure message
    to each requester-side address, and queue its delivery after commit. Nothing when secure
    messaging is not configured or nobody on the requester's side has an MSSanté address.

    Called inside the answer's transaction: the rows commit or roll back with the answer. The
    report's HTML is rendered now (the answer as given); the PDF is made by the task."""
    if not mssante_configured():
        return []
    recipients = _recipients(referral)
    if not recipients:
        return []
    context = _context(referral, by)
    with translation.override("fr"):
        subject = _("Réponse de l'ESS à votre demande %(reference)s") % {
            "reference": referral.reference
        }
        body = render_to_string("interop/mssante_answer_body.txt", context, using="text")
    html = answer_report_html(
        referral,
        specialist=by,
        reports=context["reports"],
        reports_attached=context["reports_attached"],
    )
    domain = settings.ESS_MSSANTE_FROM.rsplit("@", 1)[-1]
    attach_ids = [a.pk for a in context["reports"]] if context["reports_attached"] else []
    messages = []
    for recipient in recipients:
        message = SecureMessage.objects.create(
            referral=referral,
            recipient=recipient,
            subject=subject[:300],
            body_text=body,
            report_html=html,
            report_filename=f"compte-rendu-{referral.reference}.pdf",
            attachment_ids=attach_ids,
            message_id=make_msgid(domain=domain),
        )
        enqueue_on_commit(DELIVER_TASK, message.pk)
        messages.append(message)
    return messages


def on_referral_answered(sender, *, referral, by, **kwargs) -> None:
    """The `referrals.hooks.referral_answered` receiver."""
    secure_message_record_answer(referral=referral, by=by)


def _email(message: SecureMessage) -> EmailMessage:
    email = EmailMessage(
        subject=message.subject,
        body=message.body_text,
        from_email=settings.ESS_MSSANTE_FROM,
        to=[message.recipient],
        headers={"Message-ID": message.message_id},
    )
    email.attach(message.report_filename, bytes(message.report_pdf), "application/pdf")
    files = message.referral.attachments.filter(pk__in=message.attachment_ids).order_by("pk")
    for attachment in files:
        with attachment.file.open("rb") as stored:
            email.attach(attachment.original_name, stored.read(), attachment.content_type)
    return email


def _fail(message_id: int, exc: Exception, **also) -> None:
    SecureMessage.objects.filter(pk=message_id).update(
        attempts=F("attempts") + 1, last_error=str(exc)[:2000], **also
    )


def secure_message_deliver(*, message_id: int) -> bool:
    """Send the pending secure message `message_id`, once. Returns True when this call sent it,
    False when it is sent, abandoned, or being sent by another worker (its row is locked).

    The PDF is made from the recorded HTML the first time and kept. The row stays locked from
    the send to its `sent_at` and the audit line of the export, in one transaction. A refused
    recipient is abandoned (`failed_at`, the server's answer kept); any other failure counts an
    attempt, keeps the error and is raised again for the task to retry (the row stays pending
    for the sweep)."""
    pending = SecureMessage.objects.filter(pk=message_id, sent_at=None, failed_at=None)
    if not pending.filter(report_pdf__isnull=False).exists():
        html = pending.values_list("report_html", flat=True).first()
        if html is None:
            return False
        pending.filter(report_pdf=None).update(report_pdf=html_to_pdf(html))
    try:
        with transaction.atomic():
            message = (
                SecureMessage.objects.select_for_update(skip_locked=True)
                .select_related("referral")
                .filter(pk=message_id, sent_at=None, failed_at=None)
                .first()
            )
            if message is None:
                return False
            mssante_connection().send_messages([_email(message)])
            message.sent_at = timezone.now()
            message.attempts += 1
            message.last_error = ""
            message.save(update_fields=["sent_at", "attempts", "last_error"])
            audit_record_sent(
                obj=message.referral,
                label=message.referral.reference,
                to=message.recipient,
                via="mssante",
            )
    except smtplib.SMTPRecipientsRefused as exc:
        logger.warning("Secure message %s refused by the server: %s", message_id, exc)
        _fail(message_id, exc, failed_at=timezone.now())
        return False
    except Exception as exc:
        _fail(message_id, exc)
        raise
    return True


def secure_messages_pending_ids(*, older_than: timedelta = timedelta(minutes=2)) -> list[int]:
    """Secure messages still to send, recorded more than `older_than` ago: what the sweep
    queues again (a fresh one is in its first task's hands)."""
    return list(
        SecureMessage.objects.filter(
            sent_at=None, failed_at=None, created_at__lt=timezone.now() - older_than
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:200]
    )
