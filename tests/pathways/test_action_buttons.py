"""A pathway's and a task's workflow buttons show exactly when the service accepts the action."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from ess.errors import ServiceError
from ess.workflow import available_actions
from pathways import services
from pathways.models import Pathway, PathwayTask

pytestmark = pytest.mark.django_db

PATHWAY_CALLS = {
    "pause": lambda p, by: services.pathway_pause(pathway_id=p.pk, by=by),
    "resume": lambda p, by: services.pathway_resume(pathway_id=p.pk, by=by),
    "close": lambda p, by: services.pathway_close(pathway_id=p.pk, by=by, reason="Fin"),
}
TASK_CALLS = {
    "record": lambda t, by: services.task_record(
        task_id=t.pk, by=by, result="Stable", out_of_range=False
    ),
    "cancel": lambda t, by: services.task_cancel(task_id=t.pk, by=by, reason="Inutile"),
}


def _accepted(call, obj, by) -> bool:
    """The service took the action: no refusal, and the status moved (a repeated action is a
    no-op, for which no button shows)."""
    try:
        call(obj, by)
    except (PermissionDenied, ServiceError, ValidationError):
        return False
    return type(obj).objects.get(pk=obj.pk).status != obj.status


@pytest.mark.parametrize("status", ["active", "paused", "closed"])
@pytest.mark.parametrize("who", ["gp", "cardiologist", "ipa", "coordinator"])
def test_a_pathway_button_shows_exactly_when_the_service_accepts(scene, coordinator, status, who):
    pathway = scene.open()
    if status != "active":
        Pathway.objects.filter(pk=pathway.pk).update(
            status=status, close_reason="Fin" if status == "closed" else ""
        )
        pathway.refresh_from_db()
    user = coordinator if who == "coordinator" else getattr(scene, who)
    shown = set(available_actions(user, pathway))

    for name, call in PATHWAY_CALLS.items():
        fresh = Pathway.objects.get(pk=pathway.pk)
        accepted = _in_savepoint(lambda c=call, p=fresh: _accepted(c, p, user))
        assert (name in shown) == accepted, (who, status, name)


@pytest.mark.parametrize("who", ["gp", "cardiologist", "ipa", "coordinator"])
def test_a_task_button_shows_exactly_when_the_service_accepts(scene, coordinator, who):
    task = scene.open().tasks.first()
    user = coordinator if who == "coordinator" else getattr(scene, who)
    shown = set(available_actions(user, task))

    for name, call in TASK_CALLS.items():
        fresh = PathwayTask.objects.get(pk=task.pk)
        accepted = _in_savepoint(lambda c=call, t=fresh: _accepted(c, t, user))
        assert (name in shown) == accepted, (who, name)


def _in_savepoint(run) -> bool:
    """Run a service call and roll its writes back, so each action starts from the same row."""
    with transaction.atomic():
        result = run()
        transaction.set_rollback(True)
    return result
