"""Late delegated tasks remind their owner once, then the coordinators once, through the
outbox; paused pathways and done tasks wait; two runs, even at once, tell nobody twice."""

import threading
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from ess.models import Notification, NotificationKind, OutboundEmail
from pathways.models import PathwayTask
from pathways.reminders import late_tasks_remind
from pathways.tasks import remind_late_pathway_tasks
from tests.factories import CircleMemberFactory, PathwayFactory, PathwayTaskFactory, UserFactory

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
DUE = date(2026, 10, 5)


def at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=PARIS)


def after_due(days: int, hour: int = 9) -> datetime:
    return at(DUE + timedelta(days=days), hour)


@pytest.fixture
def task(db, paramedic):
    return PathwayTaskFactory(due_on=DUE, assignee=paramedic, label="Appel de suivi (J7)")


def told(user) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, kind=NotificationKind.PATHWAY_TASK))


def test_a_late_task_reminds_its_owner_once_through_the_outbox(
    task, paramedic, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert late_tasks_remind(now=after_due(1)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert late_tasks_remind(now=after_due(1, hour=15)) == 0

    [reminder] = told(paramedic)
    assert reminder.title == "Tâche en retard : Appel de suivi (J7)"
    assert "05/10/2026" in reminder.detail
    assert reminder.url == "/parcours/taches/"
    assert told(coordinator) == []
    task.refresh_from_db()
    assert task.reminded_at == after_due(1) and task.escalated_at is None
    [email] = OutboundEmail.objects.filter(to=paramedic.email)
    assert email.sent_at is not None
    assert task.pathway.patient.birth_name not in email.subject + email.body_text


def test_a_task_is_not_late_on_its_due_day(task, paramedic):
    assert late_tasks_remind(now=at(DUE, 20)) == 0
    assert told(paramedic) == []


def test_the_coordinators_are_told_only_after_the_delay(task, paramedic, coordinator, settings):
    settings.ESS_PATHWAY_TASK_ESCALATION_DAYS = 2
    late_tasks_remind(now=after_due(1))

    assert late_tasks_remind(now=after_due(2)) == 0
    assert late_tasks_remind(now=after_due(3, hour=8)) == 0  # 47 hours after the reminder
    assert told(coordinator) == []

    assert late_tasks_remind(now=after_due(3)) == 1
    assert late_tasks_remind(now=after_due(4)) == 0

    [escalation] = told(coordinator)
    assert escalation.title == "Tâche déléguée toujours en retard : Appel de suivi (J7)"
    assert paramedic.get_full_name() in escalation.detail
    assert escalation.url == f"/parcours/{task.pathway.public_id}/"
    assert len(told(paramedic)) == 1  # the owner is not reminded again
    task.refresh_from_db()
    assert task.escalated_at == after_due(3)


def test_the_coordinator_of_the_care_circle_is_told_too(task, coordinator):
    dac = UserFactory(requester=True)
    CircleMemberFactory(pathway=task.pathway, user=dac, role="coordinator")
    gp = CircleMemberFactory(pathway=task.pathway, role="gp").user
    late_tasks_remind(now=after_due(1))

    late_tasks_remind(now=after_due(5))

    assert len(told(dac)) == 1 and len(told(coordinator)) == 1
    assert told(gp) == []


def test_a_task_of_a_paused_pathway_waits(paramedic, coordinator):
    paused = PathwayTaskFactory(due_on=DUE, assignee=paramedic, pathway=PathwayFactory(paused=True))
    closed = PathwayTaskFactory(due_on=DUE, assignee=paramedic, pathway=PathwayFactory(closed=True))

    assert late_tasks_remind(now=after_due(10)) == 0

    assert told(paramedic) == [] and told(coordinator) == []
    assert PathwayTask.objects.filter(pk__in=[paused.pk, closed.pk], reminded_at=None).count() == 2


def test_a_task_resumed_late_is_reminded_then(paramedic):
    pathway = PathwayFactory(paused=True)
    PathwayTaskFactory(due_on=DUE, assignee=paramedic, pathway=pathway)
    late_tasks_remind(now=after_due(3))
    pathway.status = "active"
    pathway.save(update_fields=["status"])

    assert late_tasks_remind(now=after_due(4)) == 1


def test_a_done_or_cancelled_task_reminds_nobody(paramedic, coordinator):
    PathwayTaskFactory(due_on=DUE, assignee=paramedic, done=True)
    PathwayTaskFactory(due_on=DUE, assignee=paramedic, status="cancelled")

    assert late_tasks_remind(now=after_due(10)) == 0
    assert told(paramedic) == [] and told(coordinator) == []


def test_a_task_done_after_its_reminder_is_not_escalated(task, coordinator):
    late_tasks_remind(now=after_due(1))
    PathwayTask.objects.filter(pk=task.pk).update(
        status="done", done_at=after_due(2), result="Joint, tout va bien."
    )

    assert late_tasks_remind(now=after_due(5)) == 0
    assert told(coordinator) == []


def test_the_beat_task_runs_the_reminders_and_twice_is_harmless(
    task, paramedic, coordinator, time_machine, settings
):
    time_machine.move_to(after_due(1), tick=False)
    assert remind_late_pathway_tasks() == 1
    assert remind_late_pathway_tasks() == 0
    time_machine.move_to(after_due(1 + settings.ESS_PATHWAY_TASK_ESCALATION_DAYS), tick=False)
    assert remind_late_pathway_tasks() == 1
    assert remind_late_pathway_tasks() == 0

    assert len(told(paramedic)) == 1 and len(told(coordinator)) == 1


def test_the_beat_schedule_declares_the_reminders(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "pathways.tasks.remind_late_pathway_tasks" in tasks
    assert settings.ESS_PATHWAY_TASK_ESCALATION_DAYS == 2


@pytest.mark.django_db(transaction=True)
def test_runs_at_the_same_moment_remind_once(postgres, territory):
    owner = UserFactory(paramedic=True)
    coordinator = UserFactory(coordinator=True)
    tasks = [PathwayTaskFactory(due_on=DUE, assignee=owner) for _ in range(5)]
    runs = 4
    barrier = threading.Barrier(runs)
    counts: list[int | str] = []
    lock = threading.Lock()

    def run(now):
        try:
            barrier.wait()
            result = late_tasks_remind(now=now)
        except Exception as exc:  # shown by the assertion below
            result = repr(exc)
        finally:
            connection.close()
        with lock:
            counts.append(result)

    for now in (after_due(1), after_due(5)):
        counts.clear()
        threads = [threading.Thread(target=run, args=(now,)) for _ in range(runs)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert sum(counts) == len(tasks), counts

    assert len(told(owner)) == len(tasks)
    assert len(told(coordinator)) == len(tasks)
