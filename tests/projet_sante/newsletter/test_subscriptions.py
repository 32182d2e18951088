"""Territory professionals subscribe with a double opt-in; anyone unsubscribes in one click."""

import re

from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from projet_sante.newsletter import services
from projet_sante.newsletter.models import Subscriber, Unsubscription
from tests.projet_sante.newsletter.conftest import recipients


def subscribe(client, email="kine@exemple.fr"):
    return client.post(reverse("projet_sante:subscribe"), {"email": email})


def confirmation_link(message) -> str:
    return re.search(r"http://testserver(/lettre/abonnement/confirmer/\S+/)", message.body)[1]


def send_letter(letter, manager, capture):
    with capture(execute=True):
        services.newsletter_send(newsletter_id=letter.pk, by=manager, base_url="http://testserver/")


def test_an_anonymous_professional_subscribes_and_confirms_then_receives_the_letter(
    client, draft, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = subscribe(client, " Kine@Exemple.fr ")

    assert response.status_code == 200
    assert "Vérifiez votre messagerie" in response.text
    assert len(mail.outbox) == 1
    link = confirmation_link(mail.outbox[0])
    assert "Confirmer mon abonnement" in client.get(link).text  # a GET writes nothing
    assert Subscriber.objects.get().confirmed_at is None

    confirmed = client.post(link)

    assert "Abonnement confirmé" in confirmed.text
    assert Subscriber.objects.get(email="kine@exemple.fr").confirmed_at is not None
    mail.outbox.clear()
    send_letter(draft, manager, django_capture_on_commit_callbacks)
    assert recipients(mail.outbox) == ["kine@exemple.fr"]


def test_an_unconfirmed_subscriber_never_receives_the_letter(
    client, draft, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        subscribe(client)
    mail.outbox.clear()

    send_letter(draft, manager, django_capture_on_commit_callbacks)

    assert mail.outbox == []


def test_a_confirmation_link_works_once_and_a_tampered_one_never(
    db, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        subscribe(client)
    link = confirmation_link(mail.outbox[0])
    client.post(link)

    again = client.post(link)
    tampered = client.get(link[:-3] + "xx/")

    assert again.status_code == 404
    assert "Ce lien de confirmation n'est plus valable" in again.text
    assert tampered.status_code == 404


def test_asking_again_within_the_hour_sends_no_second_email(
    db, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        subscribe(client)
        second = subscribe(client)

    assert "Vérifiez votre messagerie" in second.text
    assert len(mail.outbox) == 1


def test_one_click_unsubscribe_is_honoured_at_once_members_included(
    draft, manager, members, django_capture_on_commit_callbacks
):
    token = services.unsubscribe_token("ipa@exemple.fr")
    url = reverse("projet_sante:unsubscribe", args=[token])
    # Mail providers POST without cookies nor CSRF token (RFC 8058).
    provider = Client(enforce_csrf_checks=True)

    page = provider.get(url)
    assert "Me désabonner" in page.text
    assert not Unsubscription.objects.exists()  # the GET only asks
    done = provider.post(url, {"List-Unsubscribe": "One-Click"})

    assert done.status_code == 200
    assert "Désabonnement pris en compte" in done.text
    send_letter(draft, manager, django_capture_on_commit_callbacks)
    assert "ipa@exemple.fr" not in recipients(mail.outbox)
    assert recipients(mail.outbox) == ["cardio@exemple.fr", "direction@exemple.fr"]


def test_the_link_in_a_received_letter_unsubscribes(
    client, draft, manager, members, django_capture_on_commit_callbacks
):
    send_letter(draft, manager, django_capture_on_commit_callbacks)
    message = next(m for m in mail.outbox if m.to == ["cardio@exemple.fr"])
    path = message.extra_headers["List-Unsubscribe"].strip("<>").replace("http://testserver", "")

    client.post(path)

    assert Unsubscription.objects.filter(email="cardio@exemple.fr").exists()


def test_a_tampered_unsubscribe_link_is_refused_with_a_clear_message(db, client):
    token = services.unsubscribe_token("ipa@exemple.fr")
    url = reverse("projet_sante:unsubscribe", args=[token[:-4] + "abcd"])

    for response in (client.get(url), client.post(url)):
        assert response.status_code == 400
        assert "Ce lien de désabonnement n'est pas valable" in response.text
    assert not Unsubscription.objects.exists()


def test_subscribing_again_after_unsubscribing_needs_a_new_confirmation(
    db, client, django_capture_on_commit_callbacks
):
    Subscriber.objects.create(email="kine@exemple.fr", confirmed_at=timezone.now())
    services.recipient_unsubscribe(email="kine@exemple.fr")

    with django_capture_on_commit_callbacks(execute=True):
        subscribe(client)
    assert Subscriber.objects.get().confirmed_at is None
    client.post(confirmation_link(mail.outbox[0]))

    assert Subscriber.objects.get().confirmed_at is not None
    assert not Unsubscription.objects.exists()


def test_subscriptions_are_throttled_per_address_so_nobody_is_flooded_with_confirmations(
    db, client, settings, django_capture_on_commit_callbacks
):
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "newsletter_subscribe": "3/h/ip",
    }
    for n in range(3):
        assert subscribe(client, f"kine{n}@exemple.fr").status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = subscribe(client, "victime@exemple.fr")

    assert response.status_code == 429
    assert "Trop de demandes" in response.text
    assert not Subscriber.objects.filter(email="victime@exemple.fr").exists()
    assert [m.to for m in mail.outbox if "victime@exemple.fr" in m.to] == []
    assert subscribe(Client(REMOTE_ADDR="203.0.113.9"), "victime@exemple.fr").status_code == 200
