"""Notifications and their emails are written in the recipient's language, whatever the
language of the person whose action sends them."""

from django.core import mail
from django.urls import reverse
from django.utils import translation

from ess.models import Notification
from referrals import services
from tests.factories import ReferralFactory


def in_english(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    return client


def test_the_language_switch_is_kept_for_the_notifications_of_a_signed_in_person(
    client_for, specialist
):
    in_english(client_for(specialist))

    specialist.refresh_from_db()
    assert specialist.language == "en"


def test_the_language_switch_still_works_signed_out(db, client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})

    assert response.status_code == 302
    assert '<html lang="en">' in client.get("/").text


def test_the_preferences_page_sets_the_language_of_notifications(client_for, specialist):
    client = client_for(specialist)

    client.post(
        reverse("notification_preferences"),
        {"notification_email": "immediate", "language": "en", "mssante_email": ""},
    )

    specialist.refresh_from_db()
    assert specialist.language == "en"
    page = client.get(reverse("notification_preferences")).text
    assert "Langue des notifications et des courriels" in page
    assert ">English</label>" in page and ">Français</label>" in page


def test_an_english_speaking_coordinator_does_not_write_english_to_a_french_specialist(
    client_for, requester, coordinator, specialist, django_capture_on_commit_callbacks
):
    referral = ReferralFactory(requester=requester)
    client = in_english(client_for(coordinator))

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("referrals:triage", args=[referral.public_id]),
            {
                "priority": "P3",
                "response_mode": "teleexpertise_async",
                "specialist": str(specialist.public_id),
            },
        )

    notification = Notification.objects.get(recipient=specialist)
    assert notification.title.startswith("Demande qui vous est confiée")
    (email,) = [m for m in mail.outbox if m.to == [specialist.email]]
    assert email.subject.startswith("[ESS] Demande qui vous est confiée")


def test_a_specialist_who_reads_english_is_written_to_in_english(
    requester, coordinator, specialist, django_capture_on_commit_callbacks
):
    specialist.language = "en"
    specialist.save(update_fields=["language"])
    referral = ReferralFactory(requester=requester)

    with translation.override("fr"), django_capture_on_commit_callbacks(execute=True):
        services.referral_triage(
            referral_id=referral.pk,
            by=coordinator,
            priority="P3",
            response_mode="teleexpertise_async",
            specialist=specialist,
        )

    notification = Notification.objects.get(recipient=specialist)
    assert notification.title == f"Referral assigned to you: {referral.reference}"
    (email,) = [m for m in mail.outbox if m.to == [specialist.email]]
    assert email.subject.startswith("[ESS] Referral assigned")
    assert "Demande" not in email.body
    assert '<html lang="en">' in email.alternatives[0][0]
