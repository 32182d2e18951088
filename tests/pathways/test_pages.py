"""The pathway pages: the list, a pathway's page, opening one, the worklist, a task's result,
the doctor's answer, and the section of the referral page."""

import pytest
from django.urls import reverse
from django.utils import timezone

from ess.models import AuditEvent
from pathways import services
from pathways.models import Pathway, PathwayAlert, TaskStatus
from tests.factories import ReferralFactory, UserFactory

pytestmark = pytest.mark.django_db


def _html(response) -> str:
    return response.content.decode()


def test_the_pathway_page_shows_the_patient_circle_tasks_and_timeline(scene, client_for):
    pathway = scene.open()
    services.pathway_note_add(pathway_id=pathway.pk, by=scene.gp, text="Vu en consultation")

    response = client_for(scene.gp).get(reverse("pathways:detail", args=[pathway.public_id]))

    html = _html(response)
    assert response.status_code == 200
    assert scene.referral.patient.birth_name in html
    assert "Appel de suivi J7" in html and "Vu en consultation" in html
    assert scene.ipa.display_name in html
    assert "Mettre en pause" not in html  # the GP does not steer the pathway
    assert AuditEvent.objects.filter(object_id=str(pathway.public_id), actor=scene.gp).exists()


def test_the_specialist_sees_the_workflow_buttons_and_closes_with_a_reason(scene, client_for):
    pathway = scene.open()
    client = client_for(scene.cardiologist)
    page = reverse("pathways:detail", args=[pathway.public_id])
    assert "Clore le parcours" in _html(client.get(page))

    client.post(reverse("pathways:close", args=[pathway.public_id]), {"reason": ""})
    pathway.refresh_from_db()
    assert pathway.status == "active"

    client.post(reverse("pathways:close", args=[pathway.public_id]), {"reason": "Stabilisé"})
    pathway.refresh_from_db()
    assert pathway.status == "closed" and "Stabilisé" in _html(client.get(page))


def test_someone_outside_the_care_circle_gets_404_on_every_pathway_url(scene, client_for):
    pathway = scene.open()
    task = pathway.tasks.first()
    services.task_record(task_id=task.pk, by=scene.ipa, result="+3 kg", out_of_range=True)
    alert = PathwayAlert.objects.get()
    other_task = pathway.tasks.filter(status=TaskStatus.TODO).first()
    client = client_for(UserFactory(specialist=True))

    pathway_id, task_id, alert_id = pathway.public_id, other_task.public_id, alert.public_id
    for name, arg in [
        ("detail", pathway_id),
        ("pause", pathway_id),
        ("resume", pathway_id),
        ("close", pathway_id),
        ("note_add", pathway_id),
        ("circle_add", pathway_id),
        ("referral_link", pathway_id),
        ("task", task_id),
        ("task_record", task_id),
        ("task_cancel", task_id),
        ("alert", alert_id),
        ("alert_answer", alert_id),
    ]:
        url = reverse(f"pathways:{name}", args=[arg])
        got = {
            client.get(url).status_code,
            client.post(url, {"reason": "x", "text": "x", "answer": "x"}).status_code,
        }
        assert 404 in got and got <= {404, 405}, url  # 405: a read page refuses a POST
    assert Pathway.objects.get().status == "active"
    assert not pathway.notes.exists()


def test_a_specialist_opens_a_pathway_from_the_referral_page(scene, client_for):
    client = client_for(scene.cardiologist)
    referral_page = reverse("referrals:detail", args=[scene.referral.public_id])
    open_url = reverse("pathways:open", args=[scene.referral.public_id])
    assert open_url in _html(client.get(referral_page))

    form = _html(client.get(open_url))
    assert scene.protocol.convention.title in form and scene.ipa.display_name in form

    response = client.post(
        open_url,
        {
            "title": "Suivi IPA IC",
            "protocol": scene.protocol.pk,
            "delegate": scene.ipa.pk,
            "started_on": timezone.localdate().isoformat(),
        },
    )
    pathway = Pathway.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("pathways:detail", args=[pathway.public_id])
    assert pathway.tasks.count() == 4


def test_the_open_form_offers_only_protocols_in_force_the_user_may_apply(scene, client_for):
    from tests.factories import ProtocolFactory

    expired = ProtocolFactory(expired=True, delegating_doctors=[scene.cardiologist])
    foreign = ProtocolFactory()

    html = _html(
        client_for(scene.cardiologist).get(
            reverse("pathways:open", args=[scene.referral.public_id])
        )
    )

    assert scene.protocol.convention.title in html
    assert expired.convention.title not in html and foreign.convention.title not in html


def test_the_specialist_links_another_referral_of_the_patient_by_its_reference(scene, client_for):
    pathway = scene.open()
    second = ReferralFactory(
        patient=scene.referral.patient, status="completed", specialist=scene.cardiologist
    )
    elsewhere = ReferralFactory(status="completed", specialist=scene.cardiologist)
    hidden = ReferralFactory(patient=scene.referral.patient)  # not the specialist's case
    client = client_for(scene.cardiologist)
    page = reverse("pathways:detail", args=[pathway.public_id])
    url = reverse("pathways:referral_link", args=[pathway.public_id])
    assert "Rattacher une autre demande du patient" in _html(client.get(page))

    for reference, message in [
        ("ESS-0000-000000", "Aucune demande de ce numéro"),
        (hidden.reference, "Aucune demande de ce numéro"),
        (elsewhere.reference, "concerne un autre patient"),
    ]:
        response = client.post(url, {"reference": reference}, follow=True)
        assert message in _html(response)
    assert list(pathway.referrals.all()) == [scene.referral]

    response = client.post(url, {"reference": second.reference.lower()}, follow=True)

    assert "Demande rattachée au parcours." in _html(response)
    assert second.reference in _html(response)
    assert set(pathway.referrals.all()) == {scene.referral, second}


def test_the_gp_cannot_link_a_referral_to_the_pathway(scene, client_for):
    pathway = scene.open()
    second = ReferralFactory(patient=scene.referral.patient, requester=scene.gp)
    client = client_for(scene.gp)
    assert "Rattacher une autre demande" not in _html(
        client.get(reverse("pathways:detail", args=[pathway.public_id]))
    )

    response = client.post(
        reverse("pathways:referral_link", args=[pathway.public_id]),
        {"reference": second.reference},
    )

    assert response.status_code == 403
    assert list(pathway.referrals.all()) == [scene.referral]


def test_the_gp_cannot_open_a_pathway(scene, client_for):
    response = client_for(scene.gp).get(reverse("pathways:open", args=[scene.referral.public_id]))
    assert response.status_code == 403


def test_a_coordinator_opens_a_pathway_by_the_referrals_reference(scene, client_for, coordinator):
    client = client_for(coordinator)
    url = reverse("pathways:create")
    today = timezone.localdate().isoformat()
    response = client.post(url, {"reference": "ESS-0000-000000", "title": "x", "started_on": today})
    assert "Aucune demande de ce numéro" in _html(response)

    response = client.post(
        url,
        {"reference": scene.referral.reference, "title": "Suivi", "started_on": today},
    )
    assert response.status_code == 302
    assert Pathway.objects.get().circle.filter(user=coordinator).exists()


def test_the_ipa_records_a_result_out_of_range_from_her_worklist(scene, client_for):
    from django.utils import timezone

    pathway = scene.open(started_on=timezone.localdate() - timedelta_days(8))
    client = client_for(scene.ipa)

    worklist = _html(client.get(reverse("pathways:worklist")))
    late = pathway.tasks.order_by("due_on").first()
    assert late.label in worklist
    assert reverse("pathways:task", args=[late.public_id]) in worklist
    home = _html(client.get("/"))
    assert reverse("pathways:worklist") in home and late.label in home

    task_page = _html(client.get(reverse("pathways:task", args=[late.public_id])))
    assert "Hors des valeurs attendues" in task_page
    url = reverse("pathways:task_record", args=[late.public_id])
    client.post(url, {"result": "Poids +3 kg", "out_of_range": "on"})
    client.post(url, {"result": "Poids +3 kg", "out_of_range": "on"})  # a double submit

    late.refresh_from_db()
    assert late.status == TaskStatus.DONE and late.out_of_range
    assert PathwayAlert.objects.count() == 1


def timedelta_days(n):
    from datetime import timedelta

    return timedelta(days=n)


def test_the_doctor_answers_the_alert_on_its_page(scene, client_for):
    task = scene.open().tasks.first()
    services.task_record(task_id=task.pk, by=scene.ipa, result="Poids +3 kg", out_of_range=True)
    alert = PathwayAlert.objects.get()
    client = client_for(scene.cardiologist)

    page = _html(client.get(reverse("pathways:alert", args=[alert.public_id])))
    assert "Poids +3 kg" in page and "Envoyer la réponse" in page
    client.post(reverse("pathways:alert_answer", args=[alert.public_id]), {"answer": "Furosémide"})

    alert.refresh_from_db()
    assert alert.answer == "Furosémide"
    ipa_page = _html(client_for(scene.ipa).get(reverse("pathways:alert", args=[alert.public_id])))
    assert "Furosémide" in ipa_page and "Envoyer la réponse" not in ipa_page


def test_the_gp_follows_the_pathway_on_the_referral_page(scene, client_for):
    task = scene.open().tasks.first()
    services.task_record(task_id=task.pk, by=scene.ipa, result="Poids +3 kg", out_of_range=True)
    services.alert_answer(
        alert_id=PathwayAlert.objects.get().pk, by=scene.cardiologist, answer="Furosémide"
    )

    html = _html(
        client_for(scene.gp).get(reverse("referrals:detail", args=[scene.referral.public_id]))
    )

    assert "Parcours de soins" in html and "Suivi IPA selon le protocole IC" in html
    assert "Poids +3 kg" in html and "Furosémide" in html
    assert reverse("pathways:open", args=[scene.referral.public_id]) not in html


def test_the_referral_page_hides_a_pathway_from_who_is_not_in_its_circle(
    scene, client_for, coordinator
):
    scene.open()
    Pathway.objects.get().circle.filter(user=scene.gp).delete()

    html = _html(
        client_for(scene.gp).get(reverse("referrals:detail", args=[scene.referral.public_id]))
    )

    assert "Suivi IPA selon le protocole IC" not in html


def test_the_list_filters_by_status_and_costs_the_same_for_more_pathways(
    scene, client_for, coordinator, django_assert_max_num_queries
):
    from tests.factories import PathwayFactory, PathwayTaskFactory

    first = scene.open()
    client = client_for(coordinator)
    url = reverse("pathways:list")
    with django_assert_max_num_queries(30) as few:
        assert first.title in _html(client.get(url))
    for _ in range(4):
        PathwayTaskFactory(pathway=PathwayFactory(circle=[(coordinator, "coordinator")]))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)

    services.pathway_pause(pathway_id=first.pk, by=coordinator)
    assert first.title not in _html(client.get(url, {"statut": "active"}))
    assert first.title in _html(client.get(url, {"statut": "paused"}))


def test_the_pathway_page_costs_the_same_whatever_its_timeline_holds(
    scene, client_for, django_assert_max_num_queries
):
    pathway = scene.open()
    client = client_for(scene.cardiologist)
    url = reverse("pathways:detail", args=[pathway.public_id])
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    for task in pathway.tasks.all()[:3]:
        services.task_record(task_id=task.pk, by=scene.ipa, result="r", out_of_range=True)
        services.pathway_note_add(pathway_id=pathway.pk, by=scene.gp, text="note")
    for alert in PathwayAlert.objects.all():
        services.alert_answer(alert_id=alert.pk, by=scene.cardiologist, answer="ok")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_a_second_answer_to_an_answered_alert_is_refused_and_the_first_kept(scene, client_for):
    task = scene.open().tasks.first()
    services.task_record(task_id=task.pk, by=scene.ipa, result="Poids +3 kg", out_of_range=True)
    alert = PathwayAlert.objects.get()
    client = client_for(scene.cardiologist)
    url = reverse("pathways:alert_answer", args=[alert.public_id])
    client.post(url, {"answer": "Furosémide 40 mg"})

    again = _html(client.post(url, {"answer": "Furosémide 40 mg"}, follow=True))  # a retry
    other = _html(client.post(url, {"answer": "Plutôt 80 mg"}, follow=True))  # Back, new text

    assert "Réponse envoyée au professionnel délégué" in again
    assert "Cette alerte a déjà reçu une réponse" in other
    assert "Réponse envoyée au professionnel délégué" not in other
    alert.refresh_from_db()
    assert alert.answer == "Furosémide 40 mg"
