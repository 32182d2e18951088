"""The pathways API (docs/design.md §8: /api/v1/pathways/): what each caller sees, the actions
on a pathway and on a delegated task, errors, audit, constant queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ess.models import AuditEvent, AuditOutcome
from pathways import services
from pathways.models import PathwayAlert, PathwayStatus, PathwayTask, TaskStatus
from tests.factories import PathwayFactory, PathwayTaskFactory, UserFactory

pytestmark = pytest.mark.django_db
LIST = "/api/v1/pathways/"
TASKS = "/api/v1/pathways/tasks/"


def detail(pathway) -> str:
    return f"{LIST}{pathway.public_id}/"


def record_url(task) -> str:
    return f"{TASKS}{task.public_id}/record/"


@pytest.fixture
def pathway(scene):
    # Opened eight days ago: the D7 call is late, the D14 visit due within the week.
    return scene.open(started_on=timezone.localdate() - timedelta(days=8))


def as_(api_client, user):
    api_client.force_authenticate(user)
    return api_client


def first_task(pathway) -> PathwayTask:
    return pathway.tasks.order_by("due_on").first()


# ---------------------------------------------------------------------------------------------
# The list
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("who", ["gp", "cardiologist", "ipa"])
def test_the_care_circle_lists_its_pathway(api_client, scene, pathway, who):
    PathwayFactory()  # someone else's

    data = as_(api_client, getattr(scene, who)).get(LIST).json()

    assert set(data) == {"count", "next", "previous", "results"}
    assert data["count"] == 1
    [row] = data["results"]
    assert row["id"] == str(pathway.public_id)
    assert row["status"] == "active"
    assert row["patient"]["name"] == pathway.patient.display_name
    assert row["protocol"]["title"] == scene.protocol.convention.title
    assert row["open_tasks"] == 4 and row["open_alerts"] == 0


def test_the_coordinators_list_every_pathway(api_client, coordinator, pathway):
    PathwayFactory()

    assert as_(api_client, coordinator).get(LIST).json()["count"] == 2


@pytest.mark.parametrize("persona", ["authority", "manager", "other_specialist", "requester"])
def test_outside_the_circle_the_list_is_empty(api_client, pathway, persona, request):
    response = as_(api_client, request.getfixturevalue(persona)).get(LIST)

    assert response.status_code == 200
    assert response.json()["count"] == 0
    assert pathway.patient.birth_name not in response.content.decode()


def test_the_list_filters_by_status(api_client, scene, pathway):
    services.pathway_pause(pathway_id=pathway.pk, by=scene.cardiologist)
    client = as_(api_client, scene.gp)

    assert client.get(LIST, {"status": "paused"}).json()["count"] == 1
    assert client.get(LIST, {"status": "active"}).json()["count"] == 0


def test_an_unknown_status_is_a_400_in_french(api_client, scene, pathway):
    response = as_(api_client, scene.gp).get(LIST, {"status": "perdu"})

    assert response.status_code == 400
    assert "choix valide" in str(response.json()["status"])


def test_the_list_is_audited_one_line_per_pathway(api_client, scene, pathway):
    as_(api_client, scene.gp).get(LIST)

    line = AuditEvent.objects.get(object_type="pathways.pathway")
    assert line.actor == scene.gp and line.object_id == str(pathway.public_id)


def test_the_list_costs_the_same_whatever_its_length(api_client, coordinator, scene):
    client = as_(api_client, coordinator)
    scene.open()
    client.get(LIST)  # the caller's roles, read once
    with CaptureQueriesContext(connection) as one:
        client.get(LIST)
    for index in range(8):
        PathwayFactory(protocol=scene.protocol if index % 2 else None)

    with CaptureQueriesContext(connection) as nine:
        response = client.get(LIST)

    assert response.json()["count"] == 9
    assert len(nine.captured_queries) == len(one.captured_queries)


# ---------------------------------------------------------------------------------------------
# A pathway
# ---------------------------------------------------------------------------------------------
def test_the_detail_shows_patient_protocol_circle_tasks_and_alerts(api_client, scene, pathway):
    task = first_task(pathway)
    services.task_record(task_id=task.pk, by=scene.ipa, result="+3 kg", out_of_range=True)

    response = as_(api_client, scene.cardiologist).get(detail(pathway))

    assert response.status_code == 200
    data = response.json()
    assert data["patient"]["birth_date"] == pathway.patient.birth_date.isoformat()
    assert data["protocol"]["id"] == str(scene.protocol.public_id)
    assert data["origin"]["reference"] == scene.referral.reference
    assert {m["role"] for m in data["circle"]} == {"gp", "specialist", "delegate"}
    assert [t["status"] for t in data["tasks"]] == ["done", "todo", "todo", "todo"]
    done = data["tasks"][0]
    assert (done["result"], done["out_of_range"], done["due_on"]) == (
        "+3 kg",
        True,
        task.due_on.isoformat(),
    )
    assert data["tasks"][1]["late"] is False
    [alert] = data["alerts"]
    assert alert["task"] == str(task.public_id) and alert["answer"] == ""
    assert alert["doctor"]["id"] == str(scene.cardiologist.public_id)
    assert data["allowed_actions"] == ["pause", "close"]


def test_the_gp_reads_the_pathway_without_its_steering_actions(api_client, scene, pathway):
    data = as_(api_client, scene.gp).get(detail(pathway)).json()

    assert data["allowed_actions"] == []
    assert data["tasks"][0]["late"] is True


def test_reading_a_pathway_is_audited(api_client, scene, pathway):
    as_(api_client, scene.ipa).get(detail(pathway))

    line = AuditEvent.objects.get(object_id=str(pathway.public_id))
    assert line.actor == scene.ipa and line.outcome == AuditOutcome.ALLOWED


@pytest.mark.parametrize("persona", ["other_specialist", "requester", "authority", "manager"])
def test_a_pathway_outside_ones_circle_is_a_404_and_the_refusal_is_audited(
    api_client, pathway, persona, request
):
    response = as_(api_client, request.getfixturevalue(persona)).get(detail(pathway))

    assert response.status_code == 404
    assert pathway.patient.birth_name not in response.content.decode()
    refused = AuditEvent.objects.get(object_id=str(pathway.public_id))
    assert refused.outcome == AuditOutcome.REFUSED


def test_a_pathway_that_does_not_exist_answers_the_same_404(api_client, scene, pathway):
    client = as_(api_client, scene.gp)
    missing = client.get(f"{LIST}00000000-0000-4000-8000-000000000000/")
    hidden = as_(api_client, UserFactory(specialist=True)).get(detail(pathway))

    assert missing.status_code == hidden.status_code == 404
    assert missing.json() == hidden.json()


# ---------------------------------------------------------------------------------------------
# Pause, resume, close
# ---------------------------------------------------------------------------------------------
def test_the_specialist_pauses_and_resumes_the_pathway(api_client, scene, pathway):
    client = as_(api_client, scene.cardiologist)

    paused = client.post(f"{detail(pathway)}pause/", {"note": "Hospitalisé"}, format="json")

    assert paused.status_code == 200
    assert paused.json()["status"] == "paused"
    assert paused.json()["allowed_actions"] == ["resume", "close"]
    pathway.refresh_from_db()
    assert pathway.status == PathwayStatus.PAUSED
    assert pathway.events.filter(to_status="paused", note="Hospitalisé").exists()

    resumed = client.post(f"{detail(pathway)}resume/", {}, format="json")

    assert resumed.status_code == 200 and resumed.json()["status"] == "active"


def test_closing_needs_a_reason_in_french_and_cancels_the_open_tasks(api_client, scene, pathway):
    client = as_(api_client, scene.cardiologist)

    refused = client.post(f"{detail(pathway)}close/", {"reason": ""}, format="json")

    assert refused.status_code == 400
    assert "vide" in str(refused.json()["reason"])
    pathway.refresh_from_db()
    assert pathway.status == PathwayStatus.ACTIVE

    closed = client.post(
        f"{detail(pathway)}close/", {"reason": "Objectifs atteints"}, format="json"
    )

    assert closed.status_code == 200
    assert closed.json()["close_reason"] == "Objectifs atteints"
    assert {t["status"] for t in closed.json()["tasks"]} == {"cancelled"}
    pathway.refresh_from_db()
    assert pathway.status == PathwayStatus.CLOSED


def test_a_closed_pathway_cannot_be_paused_409(api_client, scene, pathway):
    services.pathway_close(pathway_id=pathway.pk, by=scene.cardiologist, reason="Décès")

    response = as_(api_client, scene.cardiologist).post(
        f"{detail(pathway)}pause/", {}, format="json"
    )

    assert response.status_code == 409
    pathway.refresh_from_db()
    assert pathway.status == PathwayStatus.CLOSED


@pytest.mark.parametrize("who", ["gp", "ipa"])
def test_the_gp_and_the_delegate_cannot_change_the_status_403(api_client, scene, pathway, who):
    client = as_(api_client, getattr(scene, who))

    for action, body in (("pause", {}), ("close", {"reason": "Je préfère"})):
        response = client.post(f"{detail(pathway)}{action}/", body, format="json")
        assert response.status_code == 403

    pathway.refresh_from_db()
    assert pathway.status == PathwayStatus.ACTIVE


def test_an_action_on_a_pathway_outside_ones_circle_is_a_404(api_client, pathway, other_specialist):
    response = as_(api_client, other_specialist).post(
        f"{detail(pathway)}close/", {"reason": "Intrusion"}, format="json"
    )

    assert response.status_code == 404
    pathway.refresh_from_db()
    assert pathway.status == PathwayStatus.ACTIVE


# ---------------------------------------------------------------------------------------------
# The delegated professional's tasks
# ---------------------------------------------------------------------------------------------
def test_the_delegate_lists_her_late_and_coming_tasks(api_client, scene, pathway):
    PathwayTaskFactory(assignee=scene.ipa, pathway=PathwayFactory(paused=True))  # waits

    data = as_(api_client, scene.ipa).get(TASKS).json()

    assert set(data) == {"count", "next", "previous", "results"}
    # D7 (late) and D14 (due in six days); D28 and D30 are later.
    assert [t["label"] for t in data["results"]] == [
        "Appel de suivi J7",
        "Consultation de titration J14",
    ]
    late = data["results"][0]
    assert late["late"] is True and late["status"] == "todo"
    assert late["pathway"]["id"] == str(pathway.public_id)
    assert late["patient"]["name"] == pathway.patient.display_name
    assert AuditEvent.objects.filter(object_id=str(pathway.public_id)).count() == 2


@pytest.mark.parametrize("who", ["cardiologist", "gp"])
def test_the_tasks_list_is_the_callers_own(api_client, scene, pathway, who):
    assert as_(api_client, getattr(scene, who)).get(TASKS).json()["count"] == 0


def test_the_authority_gets_no_task(api_client, authority, pathway):
    response = as_(api_client, authority).get(TASKS)

    assert response.status_code == 200 and response.json()["count"] == 0


def test_the_tasks_list_costs_the_same_whatever_its_length(api_client, scene, pathway):
    client = as_(api_client, scene.ipa)
    client.get(TASKS)
    with CaptureQueriesContext(connection) as two:
        client.get(TASKS)
    for _i in range(6):
        PathwayTaskFactory(assignee=scene.ipa, pathway=pathway)

    with CaptureQueriesContext(connection) as eight:
        response = client.get(TASKS)

    assert response.json()["count"] == 8
    assert len(eight.captured_queries) == len(two.captured_queries)


def test_the_delegate_records_a_result_out_of_range_and_the_doctor_is_alerted(
    api_client, scene, pathway
):
    task = first_task(pathway)

    response = as_(api_client, scene.ipa).post(
        record_url(task), {"result": "Prise de 3 kg", "out_of_range": True}, format="json"
    )

    assert response.status_code == 200
    data = response.json()
    assert (data["status"], data["result"], data["out_of_range"]) == ("done", "Prise de 3 kg", True)
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.done_by == scene.ipa
    assert PathwayAlert.objects.get(task=task).doctor == scene.cardiologist


def test_recording_twice_is_a_no_op(api_client, scene, pathway):
    task = first_task(pathway)
    client = as_(api_client, scene.ipa)
    body = {"result": "Poids stable"}

    first = client.post(record_url(task), body, format="json")
    again = client.post(record_url(task), body, format="json")

    assert first.status_code == again.status_code == 200
    assert not PathwayAlert.objects.exists()


def test_a_result_is_required_in_french(api_client, scene, pathway):
    task = first_task(pathway)

    response = as_(api_client, scene.ipa).post(record_url(task), {"result": " "}, format="json")

    assert response.status_code == 400
    assert "vide" in str(response.json()["result"])
    task.refresh_from_db()
    assert task.status == TaskStatus.TODO


@pytest.mark.parametrize("who", ["cardiologist", "gp"])
def test_only_the_assignee_records_403(api_client, scene, pathway, who):
    task = first_task(pathway)

    response = as_(api_client, getattr(scene, who)).post(
        record_url(task), {"result": "Vu"}, format="json"
    )

    assert response.status_code == 403
    task.refresh_from_db()
    assert task.status == TaskStatus.TODO


def test_a_task_outside_ones_circle_is_a_404(api_client, pathway, paramedic):
    task = first_task(pathway)

    response = as_(api_client, paramedic).post(record_url(task), {"result": "Vu"}, format="json")

    assert response.status_code == 404
    task.refresh_from_db()
    assert task.status == TaskStatus.TODO


def test_a_task_of_a_paused_pathway_waits_409(api_client, scene, pathway):
    services.pathway_pause(pathway_id=pathway.pk, by=scene.cardiologist)
    task = first_task(pathway)

    response = as_(api_client, scene.ipa).post(record_url(task), {"result": "Vu"}, format="json")

    assert response.status_code == 409
    assert "pause" in response.json()["detail"]


def test_the_api_is_in_the_openapi_schema(client):
    schema = client.get("/api/schema/").content.decode()

    for path in (
        "/api/v1/pathways/:",
        "/api/v1/pathways/{id}/:",
        "/api/v1/pathways/{id}/pause/:",
        "/api/v1/pathways/{id}/resume/:",
        "/api/v1/pathways/{id}/close/:",
        "/api/v1/pathways/tasks/:",
        "/api/v1/pathways/tasks/{id}/record/:",
    ):
        assert path in schema, path
