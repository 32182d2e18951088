"""Every event that concerns someone produces a notification, in-app and by email."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from ess.models import Notification, NotificationKind
from ess.notifications import notifications_send_digests
from referrals import services
from tests.factories import PatientFactory, ReferralFactory, UserFactory


@pytest.fixture
def cast(db, requester, coordinator, specialist, other_specialist):
    return {
        "requester": requester,
        "coordinator": coordinator,
        "specialist": specialist,
        "other_specialist": other_specialist,
    }


def kinds_for(user) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user).order_by("pk").values_list("kind", flat=True)
    )


def submitted(cast, **fields):
    patient = PatientFactory(birth_name="CONFIDENTIEL")
    return ReferralFactory(requester=cast["requester"], patient=patient, **fields)


def test_a_new_referral_notifies_coordinators_by_email_without_patient_data(
    cast, form_data, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(cast["requester"]).post(reverse("referrals:create"), form_data)

    assert kinds_for(cast["coordinator"]) == ["referral_new"]
    assert kinds_for(cast["requester"]) == []  # the actor is not told of their own action
    (email,) = [m for m in mail.outbox if m.to == [cast["coordinator"].email]]
    assert email.subject.startswith("[ESS] Nouvelle demande : ESS-")
    everything = email.subject + email.body + email.alternatives[0][0]
    for patient_data in ("DURAND", "Durand", "Jeanne", "1969", "Palpitations"):
        assert patient_data not in everything
    assert "/demandes/" in email.body


def test_offers_go_to_the_named_specialist_or_to_the_whole_specialty(cast):
    named = submitted(cast)
    pooled = submitted(cast)

    services.referral_triage(
        referral_id=named.pk,
        by=cast["coordinator"],
        priority="P3",
        response_mode="teleexpertise_async",
        specialist=cast["specialist"],
    )
    services.referral_triage(
        referral_id=pooled.pk,
        by=cast["coordinator"],
        priority="P3",
        response_mode="teleexpertise_async",
    )

    assert kinds_for(cast["specialist"]) == ["referral_assigned", "referral_offered"]
    assert kinds_for(cast["other_specialist"]) == ["referral_offered"]


def test_the_whole_loop_tells_each_side_what_concerns_them(cast):
    gp = UserFactory(requester=True)
    referral = submitted(cast, referring_gp=gp)
    rid, coordinator, specialist = referral.pk, cast["coordinator"], cast["specialist"]

    services.referral_request_info(referral_id=rid, by=coordinator, question="ECG ?")
    services.referral_provide_info(referral_id=rid, by=cast["requester"], answer="Joint")
    services.referral_triage(
        referral_id=rid,
        by=coordinator,
        priority="P2",
        response_mode="teleexpertise_async",
        specialist=specialist,
    )
    services.referral_accept(referral_id=rid, by=specialist)
    services.referral_decline(referral_id=rid, by=specialist, reason="Absent")
    services.referral_triage(
        referral_id=rid,
        by=coordinator,
        priority="P2",
        response_mode="teleexpertise_async",
        specialist=specialist,
    )
    services.referral_accept(referral_id=rid, by=specialist)
    services.referral_complete(
        referral_id=rid, by=specialist, answer="Avis", consultation_needed=True
    )
    services.referral_schedule(
        referral_id=rid,
        by=specialist,
        starts_at=timezone.now() + timedelta(days=1),
        location="Gien",
    )
    services.referral_complete(referral_id=rid, by=specialist, answer="CR")

    side = [
        "referral_info_requested",
        "referral_accepted",
        "referral_accepted",
        "referral_answered",
        "referral_scheduled",
        "referral_completed",
    ]
    assert kinds_for(cast["requester"]) == side
    assert kinds_for(gp) == side  # the GP the request was sent for is kept informed
    assert kinds_for(coordinator) == ["referral_info_received", "referral_declined"]


def test_a_message_notifies_the_other_participants(cast):
    referral = submitted(cast, status="accepted", specialist=cast["specialist"])

    services.message_post(referral_id=referral.pk, by=cast["requester"], body="Résultats")

    assert kinds_for(cast["specialist"]) == ["message_new"]
    assert kinds_for(cast["coordinator"]) == ["message_new"]
    assert kinds_for(cast["requester"]) == []
    assert kinds_for(cast["other_specialist"]) == []


def test_digest_preference_sends_one_daily_email_once(cast, django_capture_on_commit_callbacks):
    cast["coordinator"].notification_email = "digest"
    cast["coordinator"].save()
    colleague = UserFactory(coordinator=True)
    with django_capture_on_commit_callbacks(execute=True):
        for referral in (submitted(cast), submitted(cast)):
            services.referral_request_info(referral_id=referral.pk, by=colleague, question="?")
            services.referral_provide_info(
                referral_id=referral.pk, by=cast["requester"], answer="ok"
            )
    assert not [m for m in mail.outbox if m.to == [cast["coordinator"].email]]

    with django_capture_on_commit_callbacks(execute=True):
        assert notifications_send_digests() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications_send_digests() == 0

    (digest,) = [m for m in mail.outbox if m.to == [cast["coordinator"].email]]
    assert digest.subject == "[ESS] 2 notifications"
    assert (
        Notification.objects.filter(recipient=cast["coordinator"], email_state="digested").count()
        == 2
    )


def test_no_email_preference_still_sends_urgent_ones(cast, django_capture_on_commit_callbacks):
    cast["specialist"].notification_email = "none"
    cast["specialist"].save()
    routine, urgent = submitted(cast), submitted(cast, urgency_requested="P1")

    with django_capture_on_commit_callbacks(execute=True):
        for referral, priority in ((routine, "P3"), (urgent, "P1")):
            services.referral_triage(
                referral_id=referral.pk,
                by=cast["coordinator"],
                priority=priority,
                response_mode="urgent_consultation",
                specialist=cast["specialist"],
            )

    emails = [m for m in mail.outbox if m.to == [cast["specialist"].email]]
    assert len(emails) == 1
    assert urgent.reference in emails[0].subject
    assert "(urgent)" in emails[0].body


def test_the_bell_counts_unread_and_the_list_marks_them_read(cast, client_for):
    referral = submitted(cast)
    services.referral_triage(
        referral_id=referral.pk,
        by=cast["coordinator"],
        priority="P3",
        response_mode="teleexpertise_async",
        specialist=cast["specialist"],
    )
    client = client_for(cast["specialist"])

    home = client.get("/")
    assert 'id="notification-bell"' in home.text
    assert home.context["unread_notifications"] == 1
    notification = Notification.objects.get(recipient=cast["specialist"])
    opened = client.post(reverse("notification_read", args=[notification.public_id]))

    assert opened.url == reverse("referrals:detail", args=[referral.public_id])
    assert client.get("/").context["unread_notifications"] == 0


def test_the_notification_list_runs_a_constant_number_of_queries(
    cast, client_for, django_assert_max_num_queries
):
    def add(n, start):
        Notification.objects.bulk_create(
            [
                Notification(
                    recipient=cast["coordinator"],
                    kind=NotificationKind.REFERRAL_NEW,
                    title=f"Nouvelle demande : ESS-2026-{i:06d}",
                    url="/",
                    email_state="none",
                )
                for i in range(start, start + n)
            ]
        )

    client = client_for(cast["coordinator"])
    add(3, 0)
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("notification_list"))
    add(97, 3)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("notification_list"))
    assert "ESS-2026-000099" in response.text


def test_the_api_lists_only_the_callers_notifications(cast, api_client):
    referral = submitted(cast)
    services.referral_triage(
        referral_id=referral.pk,
        by=cast["coordinator"],
        priority="P3",
        response_mode="teleexpertise_async",
        specialist=cast["specialist"],
    )
    mine = Notification.objects.get(recipient=cast["specialist"])
    api_client.force_authenticate(cast["other_specialist"])

    assert api_client.get("/api/v1/notifications/").json()["count"] == 0
    assert api_client.post(f"/api/v1/notifications/{mine.public_id}/read/").status_code == 404
    api_client.force_authenticate(cast["specialist"])
    data = api_client.get("/api/v1/notifications/?unread=1").json()
    assert [n["id"] for n in data["results"]] == [str(mine.public_id)]
    assert api_client.post(f"/api/v1/notifications/{mine.public_id}/read/").status_code == 204
    assert api_client.get("/api/v1/notifications/?unread=1").json()["count"] == 0


def test_preferences_page_saves_the_choice(cast, client_for):
    client = client_for(cast["coordinator"])

    client.post(
        reverse("notification_preferences"), {"notification_email": "digest", "language": "fr"}
    )

    cast["coordinator"].refresh_from_db()
    assert cast["coordinator"].notification_email == "digest"


def test_a_cancellation_tells_coordinators_and_the_specialist_it_was_offered_to(cast):
    referral = submitted(cast)
    services.referral_triage(
        referral_id=referral.pk,
        by=cast["coordinator"],
        priority="P3",
        response_mode="teleexpertise_async",
        specialist=cast["specialist"],
    )

    services.referral_cancel(referral_id=referral.pk, by=cast["requester"], reason="Vu hier")

    assert kinds_for(cast["specialist"]) == ["referral_assigned", "referral_cancelled"]
    assert kinds_for(cast["coordinator"]) == ["referral_cancelled"]


def offered_to_the_specialist(cast, priority="P3"):
    referral = submitted(cast)
    offer = {"response_mode": "teleexpertise_async", "specialist": cast["specialist"]}
    services.referral_triage(
        referral_id=referral.pk, by=cast["coordinator"], priority=priority, **offer
    )
    referral.refresh_from_db()
    return referral


def test_opening_the_referral_clears_the_bell(cast, client_for):
    referral, other = offered_to_the_specialist(cast), offered_to_the_specialist(cast)
    client = client_for(cast["specialist"])
    assert client.get("/").context["unread_notifications"] == 2

    page = client.get(reverse("referrals:detail", args=[referral.public_id]))

    # The page itself already shows the bell without this referral's notification.
    assert page.context["unread_notifications"] == 1
    unread = Notification.objects.filter(recipient=cast["specialist"], read_at=None)
    assert [n.url for n in unread] == [reverse("referrals:detail", args=[other.public_id])]


def test_opening_the_referral_reads_its_new_messages_but_not_a_colleagues_notifications(
    cast, client_for
):
    referral = submitted(cast)
    colleague = UserFactory(coordinator=True)
    services.message_post(referral_id=referral.pk, by=cast["requester"], body="ECG joint demain.")
    (message,) = Notification.objects.filter(recipient=cast["coordinator"], read_at=None)
    assert message.url.endswith("#thread-title")

    client_for(cast["coordinator"]).get(reverse("referrals:detail", args=[referral.public_id]))

    assert not Notification.objects.filter(recipient=cast["coordinator"], read_at=None).exists()
    assert Notification.objects.filter(recipient=colleague, read_at=None).count() == 1


def test_notification_emails_give_the_priority_and_the_due_date(
    cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        referral = offered_to_the_specialist(cast, priority="P2")

    due = timezone.localtime(referral.due_at)
    (email,) = [m for m in mail.outbox if m.to == [cast["specialist"].email]]
    line = f"Priorité : P2 — soins non programmés (48 h) · échéance : {due:%d/%m/%Y} à {due:%H:%M}"
    assert line in email.body
    assert line in email.alternatives[0][0]
    # And in the list behind the bell.
    assert Notification.objects.get(recipient=cast["specialist"]).detail == line


def test_each_person_told_costs_one_row_for_the_email_and_one_for_the_notification(
    cast, django_assert_num_queries, django_capture_on_commit_callbacks
):
    """An immediate email and the notification naming it are written once each: no second
    write to link them, nothing per person beyond them (the recipients are known)."""
    from ess.notifications import notify

    people = [cast["coordinator"], cast["specialist"], cast["other_specialist"]]

    with django_capture_on_commit_callbacks(execute=True), django_assert_num_queries(6):
        notify(recipients=people, kind=NotificationKind.REFERRAL_NEW, title="Demande", url="/x/")

    sent = {
        n.recipient_id: n.email for n in Notification.objects.filter(title="Demande", url="/x/")
    }
    assert set(sent) == {person.pk for person in people}
    assert all(email is not None for email in sent.values())
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)


def test_a_notification_with_a_key_is_written_once_per_person(cast):
    from ess.notifications import notify

    person = cast["coordinator"]
    first, again = (
        notify(
            recipients=[person],
            kind=NotificationKind.REFERRAL_NEW,
            title="A",
            url="/a/",
            dedupe_key="k",
        )
        for _ in range(2)
    )

    assert len(first) == 1 and first[0].email is not None and again == []
    assert Notification.objects.filter(recipient=person, dedupe_key="k").count() == 1
