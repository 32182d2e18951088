"""Immediate opinions: asked of the specialist on call, alerted at once, acknowledged, answered,
escalated to the next on call then the coordinators when nobody acknowledges."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from ess import sms
from ess.errors import TransitionNotAllowed
from ess.models import Notification, OutboundEmail, OutboundSms
from referrals import services
from referrals.models import (
    AcknowledgeMode,
    ImmediateAlert,
    Referral,
    ReferralEvent,
    Status,
    TeleexpertiseAct,
)
from referrals.tasks import escalate_immediate, escalate_immediate_requests
from tests.factories import UserFactory
from tests.referrals.conftest import immediate_input


def ask(requester, on_call, key="", **changes):
    return services.immediate_submit(
        by=requester,
        data=immediate_input(on_call.specialty, **changes),
        callback_phone="06 98 76 54 32",
        idempotency_key=key,
    )


def alerts(referral) -> list:
    return list(
        ImmediateAlert.objects.filter(referral=referral).values_list("level", "recipient_id")
    )


def test_an_immediate_opinion_skips_triage_and_is_offered_to_the_first_on_call(
    requester, coordinator, on_call, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        referral, created = ask(requester, on_call)

    assert created
    referral.refresh_from_db()
    assert (referral.status, referral.priority, referral.response_mode) == (
        Status.TRIAGED,
        "P1",
        "teleexpertise_sync",
    )
    assert referral.immediate and referral.offered_to == on_call.first
    assert referral.triaged_at == referral.submitted_at and referral.due_at
    assert referral.immediate_request.callback_phone == "+33698765432"
    assert "06 98 76 54 32" in referral.callback_availability
    assert alerts(referral) == [(1, on_call.first.pk)]
    # The coordinators see it on the dashboard; they are not alerted unless it escalates.
    assert not Notification.objects.filter(recipient=coordinator).exists()
    alert = Notification.objects.get(recipient=on_call.first)
    assert alert.urgent and alert.kind == "immediate"
    assert "06 98 76 54 32" in alert.detail
    assert OutboundEmail.objects.filter(to=on_call.first.email).exists()


def test_the_text_message_has_the_question_and_number_but_no_patient_identity(
    requester, on_call, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        referral, _ = ask(requester, on_call)

    [(to, body)] = sms.sent
    assert to == "+33611223344"
    assert "Douleur thoracique atypique" in body and "06 98 76 54 32" in body
    assert referral.reference in body
    for identity in ("DURAND", "Durand", "Jeanne", "1969", referral.patient.ins):
        assert identity not in body
    assert OutboundSms.objects.get().sent_at is not None


def test_the_alert_is_written_in_the_language_of_the_specialist_not_of_the_requester(
    requester, on_call, django_capture_on_commit_callbacks
):
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        referral, _ = ask(requester, on_call)

    [(_to, body)] = sms.sent
    assert body.startswith("ESS – avis immédiat")
    alert = Notification.objects.get(recipient=on_call.first)
    assert alert.title == f"Avis immédiat demandé : {referral.reference}"


def test_the_alert_rows_are_written_with_the_request_or_not_at_all(requester, on_call):
    with pytest.raises(ValidationError) as refused:
        ask(requester, on_call, question="x" * 10_001)

    assert "question" in refused.value.message_dict
    assert not Referral.objects.exists()
    assert not (OutboundSms.objects.exists() or Notification.objects.exists())


def test_outside_on_call_hours_the_request_is_refused_with_the_next_opening(requester, on_call):
    later = on_call.shift.ends_at + timedelta(days=1)
    on_call.shift.starts_at, on_call.shift.ends_at = later, later + timedelta(hours=4)
    on_call.shift.save()

    with pytest.raises(ValidationError) as refused:
        ask(requester, on_call)

    [message] = refused.value.message_dict["specialty"]
    opens = timezone.localtime(later)
    assert f"la garde reprend le {opens:%d/%m/%Y} à {opens:%H:%M}" in message
    assert not Referral.objects.exists()


def test_a_callback_number_is_required_and_checked(requester, on_call):
    for typed in ("", "12"):
        with pytest.raises(ValidationError) as refused:
            services.immediate_submit(
                by=requester, data=immediate_input(on_call.specialty), callback_phone=typed
            )
        assert "callback_phone" in refused.value.message_dict
    assert not Referral.objects.exists()


def test_only_requesters_ask(specialist, on_call):
    with pytest.raises(PermissionDenied):
        ask(specialist, on_call)


def test_a_request_sent_twice_makes_one_request_and_one_alert(requester, on_call):
    first, created = ask(requester, on_call, key="k1")
    again, created_again = ask(requester, on_call, key="k1")

    assert (created, created_again) == (True, False)
    assert again == first
    assert Referral.objects.count() == 1
    assert alerts(first) == [(1, on_call.first.pk)]


def test_calling_back_takes_the_case_and_stops_the_escalation(requester, on_call):
    referral, _ = ask(requester, on_call)

    services.immediate_acknowledge(referral_id=referral.pk, by=on_call.first)
    services.immediate_acknowledge(referral_id=referral.pk, by=on_call.first)  # a retry

    referral.refresh_from_db()
    assert (referral.status, referral.specialist) == (Status.ACCEPTED, on_call.first)
    assert referral.immediate_request.mode == AcknowledgeMode.CALLBACK
    assert referral.immediate_request.next_alert_at is None
    later = timezone.now() + timedelta(hours=1)
    assert services.immediate_escalate(referral_id=referral.pk, now=later) is False
    assert alerts(referral) == [(1, on_call.first.pk)]
    assert Notification.objects.filter(recipient=requester, kind="referral_accepted").exists()


def test_the_video_room_needs_a_video_service_and_has_an_unguessable_name(
    requester, on_call, settings
):
    referral, _ = ask(requester, on_call)
    settings.ESS_VIDEO_BASE_URL = ""
    with pytest.raises(ValidationError):
        services.immediate_acknowledge(referral_id=referral.pk, by=on_call.first, mode="video")

    settings.ESS_VIDEO_BASE_URL = "https://visio.example.org"
    services.immediate_acknowledge(referral_id=referral.pk, by=on_call.first, mode="video")

    request = Referral.objects.get(pk=referral.pk).immediate_request
    assert request.mode == AcknowledgeMode.VIDEO
    assert request.video_url == f"https://visio.example.org/{request.room}"
    assert len(request.room) >= 32


def test_the_answer_completes_it_as_a_synchronous_teleexpertise_with_its_act(requester, on_call):
    referral, _ = ask(requester, on_call)
    services.immediate_acknowledge(referral_id=referral.pk, by=on_call.first)

    services.referral_complete(referral_id=referral.pk, by=on_call.first, answer="ECG à refaire")

    referral.refresh_from_db()
    assert referral.status == Status.COMPLETED and referral.answer == "ECG à refaire"
    act = TeleexpertiseAct.objects.get(referral=referral)
    assert (act.requesting, act.answering) == (requester, on_call.first)


def test_nobody_acknowledging_alerts_the_backup_then_the_coordinators_once_each(
    requester, coordinator, on_call, time_machine
):
    referral, _ = ask(requester, on_call)
    start = timezone.now()

    assert escalate_immediate.apply(args=[referral.pk]).get() is False  # not due yet
    time_machine.move_to(start + timedelta(minutes=11))
    assert escalate_immediate.apply(args=[referral.pk]).get() is True
    assert escalate_immediate.apply(args=[referral.pk]).get() is False
    assert escalate_immediate_requests.apply().get() == 0
    time_machine.move_to(start + timedelta(minutes=22))
    assert escalate_immediate_requests.apply().get() == 1
    assert escalate_immediate_requests.apply().get() == 0
    assert escalate_immediate.apply(args=[referral.pk]).get() is False
    time_machine.move_to(start + timedelta(hours=2))
    assert escalate_immediate_requests.apply().get() == 0

    assert alerts(referral) == [(1, on_call.first.pk), (2, on_call.backup.pk), (3, None)]
    for person in (on_call.first, on_call.backup, coordinator):
        assert Notification.objects.filter(recipient=person, kind="immediate").count() == 1
    assert [to for to, _ in sms.sent] == []  # queued after commit only: none in this test
    assert OutboundSms.objects.filter(to="+33655667788").count() == 1


def test_the_backup_alerted_sees_and_takes_it_and_the_first_on_call_is_told_so(
    requester, on_call, client_for
):
    referral, _ = ask(requester, on_call)
    services.immediate_escalate(referral_id=referral.pk, now=timezone.now() + timedelta(minutes=11))
    page = f"/demandes/{referral.public_id}/"
    assert client_for(on_call.backup).get(page).status_code == 200

    services.immediate_acknowledge(referral_id=referral.pk, by=on_call.backup)

    with pytest.raises(TransitionNotAllowed):
        services.immediate_acknowledge(referral_id=referral.pk, by=on_call.first)
    referral.refresh_from_db()
    assert referral.specialist == on_call.backup
    assert ReferralEvent.objects.filter(referral=referral, to_status=Status.ACCEPTED).count() == 1


def test_a_specialist_never_alerted_can_neither_see_nor_acknowledge_it(
    requester, on_call, client_for
):
    stranger = UserFactory(specialist=True)
    referral, _ = ask(requester, on_call)

    assert client_for(stranger).get(f"/demandes/{referral.public_id}/").status_code == 404
    with pytest.raises(PermissionDenied):
        services.immediate_acknowledge(referral_id=referral.pk, by=stranger)
