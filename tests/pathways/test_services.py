"""Opening a pathway under a protocol, its tasks, results, alerts and answers, its status."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ess.errors import Conflict, TransitionNotAllowed
from ess.models import Notification, NotificationKind
from pathways import services
from pathways.models import (
    CircleRole,
    Pathway,
    PathwayAlert,
    PathwayStatus,
    PathwayTask,
    TaskStatus,
)
from tests.factories import ProtocolFactory, UserFactory, heart_failure_plan

pytestmark = pytest.mark.django_db


def test_a_specialist_opens_a_pathway_from_their_answer_with_the_protocols_tasks(scene):
    start = timezone.localdate()

    pathway = scene.open(started_on=start)

    roles = dict(pathway.circle.values_list("user_id", "role"))
    assert roles == {
        scene.gp.pk: CircleRole.GP,
        scene.cardiologist.pk: CircleRole.SPECIALIST,
        scene.ipa.pk: CircleRole.DELEGATE,
    }
    tasks = list(pathway.tasks.order_by("due_on"))
    assert [(t.due_on - start).days for t in tasks] == [7, 14, 28, 30]
    assert {t.assignee_id for t in tasks} == {scene.ipa.pk}
    assert list(pathway.referrals.all()) == [scene.referral]
    assert pathway.origin == scene.referral
    told = Notification.objects.filter(recipient=scene.ipa, kind=NotificationKind.PATHWAY_TASK)
    assert told.count() == 1 and "4 tâches" in told.get().title
    assert Notification.objects.filter(recipient=scene.gp, kind=NotificationKind.PATHWAY).exists()


def test_a_protocol_whose_convention_has_expired_cannot_be_applied(scene):
    expired = ProtocolFactory(
        expired=True, delegating_doctors=[scene.cardiologist], delegates=[scene.ipa]
    )
    heart_failure_plan(expired)

    with pytest.raises(ValidationError) as refused:
        scene.open(protocol=expired)

    assert "n'est pas en vigueur" in str(refused.value)
    assert not Pathway.objects.exists() and not PathwayTask.objects.exists()


def test_only_the_protocols_own_people_may_apply_it(scene):
    outsider_protocol = ProtocolFactory(delegates=[scene.ipa])  # not delegating for it

    with pytest.raises(ValidationError) as refused:
        scene.open(protocol=outsider_protocol)

    assert "médecins délégants" in str(refused.value)
    assert not Pathway.objects.exists()


def test_the_delegate_must_be_a_delegate_of_the_protocol_and_a_paramedic(scene):
    other_nurse = UserFactory(paramedic=True)
    with pytest.raises(ValidationError) as refused:
        scene.open(delegate=other_nurse)
    assert "n'est pas un professionnel délégué" in str(refused.value)

    doctor_delegate = UserFactory(specialist=True)
    scene.protocol.delegates.add(doctor_delegate)
    with pytest.raises(ValidationError):
        scene.open(delegate=doctor_delegate)
    assert not Pathway.objects.exists()


def test_someone_who_does_not_hold_the_referral_cannot_open_a_pathway_from_it(scene):
    with pytest.raises(PermissionDenied):
        scene.open(by=UserFactory(specialist=True), protocol=None, delegate=None)
    with pytest.raises(PermissionDenied):
        scene.open(by=scene.gp, protocol=None, delegate=None)


def test_a_coordinator_opens_a_pathway_without_protocol(scene, coordinator):
    pathway = scene.open(by=coordinator, protocol=None, delegate=None)

    assert pathway.circle.get(user=coordinator).role == CircleRole.COORDINATOR
    assert not pathway.tasks.exists()


def test_a_title_is_required(scene):
    with pytest.raises(ValidationError):
        scene.open(title="  ")
    assert not Pathway.objects.exists()


def test_a_result_out_of_range_alerts_the_delegating_doctor_urgently(scene):
    pathway = scene.open()
    task = pathway.tasks.order_by("due_on").first()

    services.task_record(task_id=task.pk, by=scene.ipa, result="+3 kg", out_of_range=True)

    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.out_of_range and task.done_by == scene.ipa
    alert = PathwayAlert.objects.get(task=task)
    assert alert.doctor == scene.cardiologist
    told = Notification.objects.get(
        recipient=scene.cardiologist, kind=NotificationKind.PATHWAY_ALERT
    )
    assert told.urgent


def test_a_result_in_range_raises_no_alert(scene):
    task = scene.open().tasks.first()

    services.task_record(task_id=task.pk, by=scene.ipa, result="Stable", out_of_range=False)

    assert not PathwayAlert.objects.exists()


def test_sending_a_tasks_result_twice_is_a_no_op(scene):
    task = scene.open().tasks.first()

    services.task_record(task_id=task.pk, by=scene.ipa, result="+3 kg", out_of_range=True)
    services.task_record(task_id=task.pk, by=scene.ipa, result="+3 kg", out_of_range=True)

    assert PathwayAlert.objects.count() == 1
    assert Notification.objects.filter(kind=NotificationKind.PATHWAY_ALERT).count() == 1


def test_only_the_assignee_records_a_tasks_result(scene):
    task = scene.open().tasks.first()

    with pytest.raises(PermissionDenied):
        services.task_record(task_id=task.pk, by=scene.gp, result="x", out_of_range=False)
    task.refresh_from_db()
    assert task.status == TaskStatus.TODO


def test_a_result_needs_text(scene):
    task = scene.open().tasks.first()

    with pytest.raises(ValidationError):
        services.task_record(task_id=task.pk, by=scene.ipa, result=" ", out_of_range=True)
    assert not PathwayAlert.objects.exists()


def test_a_closed_pathway_refuses_tasks(scene):
    pathway = scene.open()
    task = pathway.tasks.first()
    services.pathway_close(pathway_id=pathway.pk, by=scene.cardiologist, reason="Patient stable")

    with pytest.raises(Conflict):
        services.task_record(task_id=task.pk, by=scene.ipa, result="x", out_of_range=False)

    pathway.refresh_from_db()
    assert pathway.status == PathwayStatus.CLOSED and pathway.close_reason == "Patient stable"
    assert not pathway.tasks.filter(status=TaskStatus.TODO).exists()


def test_a_paused_pathway_refuses_tasks_until_it_resumes(scene):
    pathway = scene.open()
    task = pathway.tasks.first()
    services.pathway_pause(pathway_id=pathway.pk, by=scene.cardiologist, note="Hospitalisé")

    with pytest.raises(Conflict):
        services.task_record(task_id=task.pk, by=scene.ipa, result="x", out_of_range=False)

    services.pathway_resume(pathway_id=pathway.pk, by=scene.cardiologist)
    services.task_record(task_id=task.pk, by=scene.ipa, result="x", out_of_range=False)
    assert list(pathway.events.values_list("to_status", flat=True)) == [
        "active",
        "paused",
        "active",
    ]


def test_closing_needs_a_reason_and_a_closed_pathway_stays_closed(scene):
    pathway = scene.open()
    with pytest.raises(ValidationError):
        services.pathway_close(pathway_id=pathway.pk, by=scene.cardiologist, reason="")
    services.pathway_close(pathway_id=pathway.pk, by=scene.cardiologist, reason="Fin")
    services.pathway_close(pathway_id=pathway.pk, by=scene.cardiologist, reason="Fin")  # no-op

    with pytest.raises(TransitionNotAllowed):
        services.pathway_resume(pathway_id=pathway.pk, by=scene.cardiologist)


def test_the_gp_and_the_delegate_cannot_change_the_pathways_status(scene):
    pathway = scene.open()
    for who in (scene.gp, scene.ipa):
        with pytest.raises(PermissionDenied):
            services.pathway_pause(pathway_id=pathway.pk, by=who)


def test_the_doctors_answer_reaches_the_delegate_and_the_gp(scene):
    task = scene.open().tasks.first()
    services.task_record(task_id=task.pk, by=scene.ipa, result="+3 kg", out_of_range=True)
    alert = PathwayAlert.objects.get()

    services.alert_answer(alert_id=alert.pk, by=scene.cardiologist, answer="Furosémide 40 mg")
    services.alert_answer(alert_id=alert.pk, by=scene.cardiologist, answer="Furosémide 40 mg")

    alert.refresh_from_db()
    assert alert.answer == "Furosémide 40 mg" and alert.answered_by == scene.cardiologist
    for who in (scene.ipa, scene.gp):
        assert (
            Notification.objects.filter(
                recipient=who, kind=NotificationKind.PATHWAY_ALERT, title__contains="répondu"
            ).count()
            == 1
        )


def test_an_alert_is_answered_once_by_a_doctor_of_the_circle(scene):
    task = scene.open().tasks.first()
    services.task_record(task_id=task.pk, by=scene.ipa, result="+3 kg", out_of_range=True)
    alert = PathwayAlert.objects.get()

    with pytest.raises(PermissionDenied):
        services.alert_answer(alert_id=alert.pk, by=scene.ipa, answer="Je m'en occupe")
    with pytest.raises(ValidationError):
        services.alert_answer(alert_id=alert.pk, by=scene.cardiologist, answer="")
    services.alert_answer(alert_id=alert.pk, by=scene.cardiologist, answer="OK")
    colleague = UserFactory(specialist=True)
    services.circle_add(
        pathway_id=alert.pathway_id, by=scene.cardiologist, user=colleague, role="specialist"
    )
    with pytest.raises(Conflict):
        services.alert_answer(alert_id=alert.pk, by=colleague, answer="Autre avis")


def test_a_cancelled_task_leaves_its_reason_in_the_timeline(scene):
    pathway = scene.open()
    task = pathway.tasks.first()

    services.task_cancel(task_id=task.pk, by=scene.cardiologist, reason="Fait en consultation")

    task.refresh_from_db()
    assert task.status == TaskStatus.CANCELLED
    assert "Fait en consultation" in pathway.notes.get().text
    with pytest.raises(PermissionDenied):
        services.task_cancel(
            task_id=pathway.tasks.filter(status="todo").first().pk, by=scene.ipa, reason="x"
        )


def test_the_circle_takes_professionals_only_and_delegates_must_be_paramedics(scene):
    pathway = scene.open()
    nurse = UserFactory(paramedic=True)
    member = services.circle_add(
        pathway_id=pathway.pk, by=scene.cardiologist, user=nurse, role="delegate"
    )
    assert member.role == CircleRole.DELEGATE
    with pytest.raises(ValidationError):
        services.circle_add(
            pathway_id=pathway.pk,
            by=scene.cardiologist,
            user=UserFactory(requester=True),
            role="delegate",
        )
    with pytest.raises(ValidationError):
        services.circle_add(
            pathway_id=pathway.pk, by=scene.cardiologist, user=UserFactory(), role="other"
        )
    with pytest.raises(PermissionDenied):
        services.circle_add(pathway_id=pathway.pk, by=scene.gp, user=nurse, role="other")


def test_a_notes_author_must_be_in_the_circle(scene):
    pathway = scene.open()
    services.pathway_note_add(pathway_id=pathway.pk, by=scene.gp, text="Vu ce jour")
    with pytest.raises(PermissionDenied):
        services.pathway_note_add(
            pathway_id=pathway.pk, by=UserFactory(specialist=True), text="Intrus"
        )


def test_the_alert_goes_to_the_opener_when_no_specialist_delegates_under_the_protocol(
    scene, coordinator
):
    scene.protocol.delegates.add(coordinator)  # the coordinator may apply it
    scene.referral.specialist = UserFactory(specialist=True)  # not delegating under it
    scene.referral.save()
    pathway = scene.open(by=coordinator)
    task = pathway.tasks.first()

    services.task_record(task_id=task.pk, by=scene.ipa, result="x", out_of_range=True)

    assert PathwayAlert.objects.get().doctor == coordinator


def test_tasks_are_due_from_the_pathways_start(scene):
    start = timezone.localdate() - timedelta(days=10)
    pathway = scene.open(started_on=start)
    assert pathway.tasks.order_by("due_on").first().due_on == start + timedelta(days=7)


def test_a_coordinator_opens_a_pathway_for_a_patient_and_must_name_one(coordinator):
    from tests.factories import PatientFactory

    with pytest.raises(ValidationError):
        services.pathway_open(by=coordinator, title="Suivi")
    with pytest.raises(PermissionDenied):
        services.pathway_open(
            by=UserFactory(specialist=True), patient=PatientFactory(), title="Suivi"
        )

    pathway = services.pathway_open(by=coordinator, patient=PatientFactory(), title="Suivi")

    assert list(pathway.circle.values_list("role", flat=True)) == [CircleRole.COORDINATOR]


def test_another_referral_of_the_same_patient_joins_the_pathway_with_its_requester(scene):
    from tests.factories import ReferralFactory

    pathway = scene.open()
    second = ReferralFactory(patient=scene.referral.patient)

    services.pathway_referral_link(pathway_id=pathway.pk, by=scene.cardiologist, referral=second)

    assert set(pathway.referrals.all()) == {scene.referral, second}
    assert pathway.circle.filter(user=second.requester, role=CircleRole.GP).exists()
    with pytest.raises(ValidationError):
        services.pathway_referral_link(
            pathway_id=pathway.pk, by=scene.cardiologist, referral=ReferralFactory()
        )
