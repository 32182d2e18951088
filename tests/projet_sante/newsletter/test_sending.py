"""Sending: the audience is snapshotted once, batches resume after a crash, nobody gets a
letter twice, unsubscribed and unconfirmed addresses get none."""

import smtplib
from contextlib import nullcontext
from datetime import timedelta
from html import unescape
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from ess.errors import TransitionNotAllowed
from projet_sante.newsletter import services
from projet_sante.newsletter.models import NewsletterDelivery, Subscriber, Unsubscription
from projet_sante.newsletter.tasks import resume_stalled_newsletters, send_newsletter_batch
from tests.factories import UserFactory
from tests.projet_sante.newsletter.conftest import recipients

EVERYONE = [
    "abonne@exemple.fr",
    "cardio@exemple.fr",
    "direction@exemple.fr",
    "ipa@exemple.fr",
]


@pytest.fixture
def audience(members):
    Subscriber.objects.create(email="abonne@exemple.fr", confirmed_at=timezone.now())
    Subscriber.objects.create(email="pas-confirme@exemple.fr")  # never confirmed
    Subscriber.objects.create(email="cardio@exemple.fr", confirmed_at=timezone.now())  # a member
    UserFactory(requester=True, email="generaliste@exemple.fr")  # not a member
    UserFactory(specialist=True, email="parti@exemple.fr", is_active=False)
    UserFactory(specialist=True, email="desabonne@exemple.fr")
    Unsubscription.objects.create(email="desabonne@exemple.fr")
    return members


def send(draft, manager, *, start_batches: bool):
    """Press "send"; with start_batches=False the worker never picks up the first batch."""
    with nullcontext() if start_batches else mock.patch.object(send_newsletter_batch, "delay"):
        return services.newsletter_send(
            newsletter_id=draft.pk, by=manager, base_url="https://ess.example.org/"
        )


def test_a_sent_letter_reaches_each_recipient_once_in_batches(
    draft, manager, audience, settings, django_capture_on_commit_callbacks
):
    settings.ESS_NEWSLETTER_BATCH_SIZE = 2

    with django_capture_on_commit_callbacks(execute=True):
        send(draft, manager, start_batches=True)

    assert recipients(mail.outbox) == EVERYONE
    draft.refresh_from_db()
    assert draft.status == "sent"
    assert draft.sent_at is not None
    assert draft.recipients_total == 4
    assert NewsletterDelivery.objects.filter(sent_at__isnull=False).count() == 4


def test_each_email_has_one_click_unsubscribe_and_no_patient_data(
    draft, manager, audience, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        send(draft, manager, start_batches=True)

    message = next(m for m in mail.outbox if m.to == ["abonne@exemple.fr"])
    link = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert link.startswith("https://ess.example.org/lettre/desabonnement/")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link in message.body
    html = message.alternatives[0][0]
    assert link in html
    assert "2e trimestre 2026" in message.subject
    assert "Deux nouvelles consultations avancées ouvrent à Gien." in message.body
    assert "Abonné·e" in message.body


def test_a_worker_dying_after_one_batch_is_resumed_by_the_sweep_without_duplicates(
    draft, manager, audience, time_machine, django_capture_on_commit_callbacks
):
    send(draft, manager, start_batches=False)
    assert services.newsletter_deliver_batch(newsletter_id=draft.pk, limit=2) == 2
    assert len(mail.outbox) == 2
    # The worker dies here: nothing queued the next batch.

    assert resume_stalled_newsletters.apply().get() == 0  # too early to call it stalled
    time_machine.move_to(timezone.now() + timedelta(minutes=6))
    with django_capture_on_commit_callbacks(execute=True):
        assert resume_stalled_newsletters.apply().get() == 1

    assert recipients(mail.outbox) == EVERYONE
    draft.refresh_from_db()
    assert draft.status == "sent"
    # Running everything again sends nothing more.
    assert send_newsletter_batch.apply(args=[draft.pk]).get() == 0
    assert resume_stalled_newsletters.apply().get() == 0
    assert len(mail.outbox) == 4


def test_a_transport_failure_mid_batch_releases_the_claim_and_the_retry_sends_the_rest_once(
    draft, manager, audience
):
    send(draft, manager, start_batches=False)
    real_send = mail.EmailMultiAlternatives.send
    calls = []

    def flaky(message, *args, **kwargs):
        calls.append(message.to[0])
        if len(calls) == 3:
            raise smtplib.SMTPServerDisconnected("connexion perdue")
        return real_send(message, *args, **kwargs)

    with (
        mock.patch.object(mail.EmailMultiAlternatives, "send", flaky),
        pytest.raises(smtplib.SMTPServerDisconnected),
    ):
        services.newsletter_deliver_batch(newsletter_id=draft.pk)
    assert len(mail.outbox) == 2
    failed = NewsletterDelivery.objects.get(email=calls[2])
    assert (failed.sent_at, failed.claimed_at) == (None, None)
    assert "connexion perdue" in failed.last_error

    assert services.newsletter_deliver_batch(newsletter_id=draft.pk) == 0

    assert recipients(mail.outbox) == EVERYONE


def test_a_claim_held_by_a_live_worker_is_not_taken(draft, manager, audience):
    send(draft, manager, start_batches=False)
    NewsletterDelivery.objects.filter(email="ipa@exemple.fr").update(claimed_at=timezone.now())

    services.newsletter_deliver_batch(newsletter_id=draft.pk)

    assert "ipa@exemple.fr" not in recipients(mail.outbox)
    draft.refresh_from_db()
    assert draft.status == "sending"  # until that claim ends, one way or the other


def test_the_audience_is_snapshotted_when_sending_starts(draft, manager, audience):
    send(draft, manager, start_batches=False)
    UserFactory(specialist=True, email="arrive-apres@exemple.fr")

    services.newsletter_deliver_batch(newsletter_id=draft.pk)

    assert recipients(mail.outbox) == EVERYONE


def test_an_address_unsubscribed_during_the_send_is_skipped(draft, manager, audience):
    send(draft, manager, start_batches=False)
    services.recipient_unsubscribe(email="IPA@exemple.fr ")

    services.newsletter_deliver_batch(newsletter_id=draft.pk)

    assert "ipa@exemple.fr" not in recipients(mail.outbox)
    assert NewsletterDelivery.objects.get(email="ipa@exemple.fr").skipped_at is not None
    draft.refresh_from_db()
    assert draft.status == "sent"


def test_pressing_send_twice_sends_once(
    client_for, manager, draft, audience, django_capture_on_commit_callbacks
):
    client = client_for(manager)
    url = reverse("projet_sante:newsletter_send", args=[draft.public_id])

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url)
        second = client.post(url, follow=True)

    assert first.status_code == 302
    assert "déjà envoyée ou en cours d" in second.text
    assert recipients(mail.outbox) == EVERYONE
    assert NewsletterDelivery.objects.count() == 4


def test_a_sent_letter_can_no_longer_be_edited(draft, manager, audience):
    send(draft, manager, start_batches=False)

    with pytest.raises(TransitionNotAllowed):
        services.newsletter_update(
            newsletter_id=draft.pk, by=manager, progress="x", news="", events=""
        )


def test_partner_contacts_who_chose_the_letter_are_in_the_audience(db):
    from projet_sante.newsletter.selectors import newsletter_audience
    from tests.factories import ContactFactory

    ContactFactory(email="coordination@cpts-orleans.example.org", newsletter=True)
    ContactFactory(email="direction@ehpad.example.org", newsletter=False)
    ContactFactory(email="desabonne@msp.example.org", newsletter=True)
    Unsubscription.objects.create(email="desabonne@msp.example.org")

    audience = newsletter_audience()

    assert audience == {"coordination@cpts-orleans.example.org": "partner"}


def test_the_letter_of_the_quarter_in_progress_is_not_sent_before_it_ends(
    client_for, manager, audience, time_machine
):
    time_machine.move_to("2026-12-05 10:00 +01:00")
    letter = services.newsletter_draft(year=2026, quarter=4)
    client = client_for(manager)

    page = client.get(reverse("projet_sante:newsletter_manage", args=[letter.public_id])).text
    refused = client.post(
        reverse("projet_sante:newsletter_send", args=[letter.public_id]), follow=True
    )

    assert reverse("projet_sante:newsletter_send", args=[letter.public_id]) not in page
    assert "pourra être envoyée à partir du 1er janvier 2027" in page
    assert "elle s'envoie une fois celui-ci terminé, à partir du 1er janvier 2027" in unescape(
        refused.text
    )
    letter.refresh_from_db()
    assert letter.status == "draft" and not NewsletterDelivery.objects.exists()
    time_machine.move_to("2027-01-01 08:00 +01:00")
    page = (
        client_for(manager)
        .get(reverse("projet_sante:newsletter_manage", args=[letter.public_id]))
        .text
    )
    assert reverse("projet_sante:newsletter_send", args=[letter.public_id]) in page
