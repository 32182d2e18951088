"""Writes for the quarterly newsletter: drafting, editing, sending in batches, subscriptions."""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ess import workflow
from ess.errors import TransitionNotAllowed
from ess.models import Team
from ess.outbox import email_queue_rendered, enqueue_on_commit, send_claimed
from ess.permissions import require
from ess.templatetags.ess_tags import long_date
from members.models import User
from projet_sante.newsletter.models import (
    Audience,
    Newsletter,
    NewsletterDelivery,
    NewsletterStatus,
    Subscriber,
    Unsubscription,
)
from projet_sante.newsletter.permissions import can_manage_newsletters
from projet_sante.newsletter.selectors import (
    figure_rows,
    newsletter_audience,
    newsletter_figures,
    newsletter_upcoming_trainings,
    previous_quarter,
    upcoming_rows,
)

logger = logging.getLogger(__name__)

_UNSUBSCRIBE_SALT = "projet_sante.unsubscribe"
_SUBSCRIBE_SALT = "projet_sante.subscribe"
# A worker that claimed a delivery and died: after this lease another one may take it.
CLAIM_LEASE = timedelta(minutes=10)
# No batch for this long while sending: the sweep queues the next one again.
STALLED_AFTER = timedelta(minutes=5)
# The same address asking again within this delay gets no second confirmation email.
CONFIRMATION_RESEND_AFTER = timedelta(hours=1)
CONFIRMATION_DAYS = 7


def normalise_email(email: str) -> str:
    return email.strip().lower()


# ---------------------------------------------------------------------------------------------
# Signed links (no table of tokens: the signature is the proof)
# ---------------------------------------------------------------------------------------------
def unsubscribe_token(email: str) -> str:
    """One stable token per address (no timestamp: the same link in every letter)."""
    return signing.Signer(salt=_UNSUBSCRIBE_SALT).sign_object(normalise_email(email), compress=True)


def email_from_unsubscribe_token(token: str) -> str | None:
    """The address an unsubscribe link was made for, or None when tampered with.

    No expiry: a link in a letter from two years ago must still work (RFC 8058).
    """
    try:
        return signing.Signer(salt=_UNSUBSCRIBE_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError):
        return None


def subscription_token(subscriber: Subscriber) -> str:
    return signing.dumps(str(subscriber.public_id), salt=_SUBSCRIBE_SALT)


def subscriber_from_token(token: str) -> Subscriber | None:
    """The unconfirmed subscriber a confirmation link points to, or None (tampered, expired,
    already confirmed: the link works once)."""
    try:
        public_id = signing.loads(
            token, salt=_SUBSCRIBE_SALT, max_age=timedelta(days=CONFIRMATION_DAYS)
        )
    except signing.BadSignature:
        return None
    return Subscriber.objects.filter(public_id=public_id, confirmed_at=None).first()


# ---------------------------------------------------------------------------------------------
# Drafting and editing
# ---------------------------------------------------------------------------------------------
def _drafted_figures(year: int, quarter: int) -> dict:
    """The quarter's figures and the trainings to come ("Prochains événements")."""
    return {
        **newsletter_figures(year=year, quarter=quarter),
        "upcoming_trainings": newsletter_upcoming_trainings(),
    }


def newsletter_draft(*, year: int | None = None, quarter: int | None = None) -> Newsletter:
    """The letter of a quarter (by default the one just ended), created with its figures and the
    published trainings to come if it does not exist yet. Idempotent: run it as often as you
    like, one letter per quarter (the database's unique constraint settles two concurrent
    runs)."""
    if year is None or quarter is None:
        year, quarter = previous_quarter()
    existing = Newsletter.objects.filter(year=year, quarter=quarter).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            return Newsletter.objects.create(
                year=year, quarter=quarter, figures=_drafted_figures(year, quarter)
            )
    except IntegrityError:  # another run created it in between
        return Newsletter.objects.get(year=year, quarter=quarter)


def _not_a_draft(newsletter: Newsletter, to: str = "") -> str:
    return _("Cette lettre n'est plus un brouillon : elle ne peut plus être modifiée.")


def _locked_draft(newsletter_id: int, by: User) -> Newsletter:
    require(can_manage_newsletters(by))
    newsletter = workflow.locked(Newsletter, newsletter_id)
    if newsletter.status != NewsletterStatus.DRAFT:
        raise TransitionNotAllowed(_not_a_draft(newsletter))
    return newsletter


@transaction.atomic
def newsletter_update(
    *, newsletter_id: int, by: User, progress: str, news: str, events: str
) -> Newsletter:
    """A manager writes the sections of a draft (plain text, escaped when rendered).

    Raises PermissionDenied (not a manager) or TransitionNotAllowed (already sending or sent).
    """
    newsletter = _locked_draft(newsletter_id, by)
    newsletter.progress, newsletter.news, newsletter.events = progress, news, events
    newsletter.save(update_fields=["progress", "news", "events", "updated_at"])
    return newsletter


@transaction.atomic
def newsletter_figures_refresh(*, newsletter_id: int, by: User) -> Newsletter:
    """Compute a draft's figures and its list of trainings to come again (answers given and
    trainings published since it was drafted count).

    Raises PermissionDenied or TransitionNotAllowed, as `newsletter_update`.
    """
    newsletter = _locked_draft(newsletter_id, by)
    newsletter.figures = _drafted_figures(newsletter.year, newsletter.quarter)
    newsletter.figures_at = timezone.now()
    newsletter.save(update_fields=["figures", "figures_at", "updated_at"])
    return newsletter


# ---------------------------------------------------------------------------------------------
# Rendering (the preview and the worker use the same function)
# ---------------------------------------------------------------------------------------------
_UNSET = object()


@dataclass
class RenderedEmail:
    subject: str
    body_text: str
    body_html: str
    headers: dict


def newsletter_render(
    *, newsletter: Newsletter, email: str, audience: str, base_url: str, team=_UNSET
) -> RenderedEmail:
    """The letter as `email` receives it: subject, text and HTML bodies, unsubscribe headers."""
    if team is _UNSET:
        team = Team.current()
    base_url = (base_url or newsletter.base_url or "http://localhost").rstrip("/")
    unsubscribe_url = base_url + reverse(
        "projet_sante:unsubscribe", kwargs={"token": unsubscribe_token(email)}
    )
    context = {
        "team": team,
        "newsletter": newsletter,
        "figures": figure_rows(newsletter.figures),
        "upcoming": upcoming_rows(newsletter.figures, base_url),
        "audience": Audience(audience),
        "web_url": base_url
        + reverse("projet_sante:newsletter_detail", kwargs={"public_id": newsletter.public_id}),
        "subscribe_url": base_url + reverse("projet_sante:subscribe"),
        "unsubscribe_url": unsubscribe_url,
    }
    return RenderedEmail(
        subject=render_to_string("emails/newsletter_subject.txt", context, using="text").strip(),
        body_text=render_to_string("emails/newsletter_body.txt", context, using="text"),
        body_html=render_to_string("emails/newsletter_body.html", context),
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


# ---------------------------------------------------------------------------------------------
# Sending
# ---------------------------------------------------------------------------------------------
@transaction.atomic
def newsletter_send(*, newsletter_id: int, by: User, base_url: str) -> Newsletter:
    """A manager sends a draft: its audience is snapshotted (one delivery row per address, in
    this transaction) and the batches start after commit.

    Raises PermissionDenied (not a manager), ValidationError (the quarter it tells of is not
    over: its figures are not complete). Sending a letter already sending or sent is a
    no-op (a double submit sends nothing twice).
    """
    require(can_manage_newsletters(by))
    newsletter = workflow.locked(Newsletter, newsletter_id)
    if not newsletter.can_become(NewsletterStatus.SENDING):
        return newsletter
    if not newsletter.quarter_over:
        raise ValidationError(
            _(
                "La lettre du %(period)s présente les chiffres du trimestre : elle s'envoie une "
                "fois celui-ci terminé, à partir du %(day)s."
            )
            % {"period": newsletter.period_label, "day": long_date(newsletter.sendable_from)}
        )
    audience = newsletter_audience()
    NewsletterDelivery.objects.bulk_create(
        [
            NewsletterDelivery(newsletter=newsletter, email=email, audience=kind)
            for email, kind in sorted(audience.items())
        ],
        batch_size=1000,
    )
    now = timezone.now()
    workflow.transition(
        newsletter, to=NewsletterStatus.SENDING, by=by, refused=_not_a_draft, history=False
    )
    newsletter.sent_by = by
    newsletter.base_url = base_url
    newsletter.sending_started_at = newsletter.last_batch_at = now
    newsletter.recipients_total = len(audience)
    newsletter.save(
        update_fields=[
            "status",
            "sent_by",
            "base_url",
            "sending_started_at",
            "last_batch_at",
            "recipients_total",
            "updated_at",
        ]
    )
    enqueue_on_commit("projet_sante.tasks.send_newsletter_batch", newsletter.pk)
    return newsletter


def _claimable(newsletter_id: int, now):
    return NewsletterDelivery.objects.filter(
        newsletter_id=newsletter_id, sent_at=None, skipped_at=None
    ).filter(Q(claimed_at=None) | Q(claimed_at__lt=now - CLAIM_LEASE))


def newsletter_deliver_batch(*, newsletter_id: int, limit: int | None = None) -> int:
    """Send up to `limit` pending deliveries of a letter being sent; return how many are still
    waiting for a worker (0: nothing more to queue).

    Each delivery is claimed by a conditional UPDATE before its email leaves and marked sent
    right after: a crash or a concurrent worker never sends an address twice (only a crash
    between the SMTP answer and the UPDATE could, after the lease). Addresses unsubscribed
    since the snapshot are skipped. A transport error releases the claim and is raised, for the
    task to retry. When every delivery is done the letter becomes "sent".
    """
    newsletter = Newsletter.objects.get(pk=newsletter_id)
    if newsletter.status != NewsletterStatus.SENDING:
        return 0
    limit = limit or settings.ESS_NEWSLETTER_BATCH_SIZE
    now = timezone.now()
    batch = list(_claimable(newsletter_id, now).order_by("pk").values_list("pk", "email")[:limit])
    suppressed = set(
        Unsubscription.objects.filter(email__in=[e for _pk, e in batch]).values_list(
            "email", flat=True
        )
    )
    team = Team.current()
    connection = get_connection()  # one SMTP session for the batch
    try:
        for pk, email in batch:
            claimed = (
                _claimable(newsletter_id, timezone.now())
                .filter(pk=pk)
                .update(claimed_at=timezone.now(), attempts=F("attempts") + 1)
            )
            if not claimed:
                continue  # another worker has it
            if email in suppressed:
                NewsletterDelivery.objects.filter(pk=pk).update(skipped_at=timezone.now())
                continue
            delivery = NewsletterDelivery.objects.get(pk=pk)
            rendered = newsletter_render(
                newsletter=newsletter,
                email=email,
                audience=delivery.audience,
                base_url="",
                team=team,
            )
            message = EmailMultiAlternatives(
                subject=rendered.subject,
                body=rendered.body_text,
                to=[email],
                headers=rendered.headers,
                connection=connection,
            )
            message.attach_alternative(rendered.body_html, "text/html")
            send_claimed(message, NewsletterDelivery.objects.filter(pk=pk))
    finally:
        connection.close()
        Newsletter.objects.filter(pk=newsletter_id).update(last_batch_at=timezone.now())
    _finish_if_done(newsletter_id)
    return _claimable(newsletter_id, timezone.now()).count()


def _finish_if_done(newsletter_id: int) -> bool:
    pending = NewsletterDelivery.objects.filter(
        newsletter=OuterRef("pk"), sent_at=None, skipped_at=None
    )
    return bool(
        Newsletter.objects.filter(pk=newsletter_id, status=NewsletterStatus.SENDING)
        .filter(~Exists(pending))
        .update(status=NewsletterStatus.SENT, sent_at=timezone.now())
    )


def newsletters_resume_stalled() -> list[int]:
    """Letters stuck in "sending" (a worker died, the broker was down): finish those with
    nothing left, return the ids of those whose batches must be queued again."""
    stalled = Newsletter.objects.filter(
        status=NewsletterStatus.SENDING, last_batch_at__lt=timezone.now() - STALLED_AFTER
    ).values_list("pk", flat=True)
    resume = []
    for newsletter_id in stalled:
        if not _finish_if_done(newsletter_id) and _claimable(newsletter_id, timezone.now()):
            resume.append(newsletter_id)
    return resume


# ---------------------------------------------------------------------------------------------
# Subscriptions (double opt-in) and unsubscribes
# ---------------------------------------------------------------------------------------------
@transaction.atomic
def subscriber_subscribe(*, email: str, base_url: str) -> Subscriber:
    """Someone asks for the letter: a confirmation link is emailed; nothing is sent to them
    until they follow it. Says nothing about whether the address was known (the page shows the
    same answer); an address asking again within the hour gets no second email."""
    email = normalise_email(email)
    subscriber, _created = Subscriber.objects.get_or_create(email=email)
    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    now = timezone.now()
    already_receiving = (
        subscriber.confirmed_at and not Unsubscription.objects.filter(email=email).exists()
    )
    recently_asked = (
        subscriber.confirmation_sent_at
        and subscriber.confirmation_sent_at > now - CONFIRMATION_RESEND_AFTER
    )
    if already_receiving or recently_asked:
        return subscriber
    if subscriber.confirmed_at:  # unsubscribed, subscribing again: confirm again
        subscriber.confirmed_at = None
    subscriber.confirmation_sent_at = now
    subscriber.save(update_fields=["confirmed_at", "confirmation_sent_at"])
    link = base_url.rstrip("/") + reverse(
        "projet_sante:subscription_confirm", kwargs={"token": subscription_token(subscriber)}
    )
    context = {"link": link, "days": CONFIRMATION_DAYS}
    email_queue_rendered(to=email, template="newsletter_confirm", context=context)
    return subscriber


@transaction.atomic
def subscriber_confirm(*, token: str) -> Subscriber:
    """The link in the confirmation email was followed: the address receives the next letters
    (an earlier unsubscribe is lifted: this is a new, explicit consent). Raises ValidationError
    when the link is no longer valid (tampered, expired, already used)."""
    subscriber = subscriber_from_token(token)
    if subscriber is not None:
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    if subscriber is None or subscriber.confirmed_at is not None:
        raise ValidationError(
            _(
                "Ce lien de confirmation n'est plus valable (déjà utilisé ou expiré). "
                "Vous pouvez vous inscrire de nouveau."
            )
        )
    subscriber.confirmed_at = timezone.now()
    subscriber.save(update_fields=["confirmed_at"])
    Unsubscription.objects.filter(email=subscriber.email).delete()
    return subscriber


def recipient_unsubscribe(*, email: str) -> Unsubscription:
    """Stop sending the letter to `email`, at once: later sends exclude it, and the batches of
    a send in progress skip it. Idempotent."""
    unsubscription, _created = Unsubscription.objects.get_or_create(email=normalise_email(email))
    return unsubscription
