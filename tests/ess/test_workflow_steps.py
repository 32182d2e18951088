"""The last steps of a transition service (ess.workflow_steps), on a convention's workflow."""

import pytest

from ess.errors import TransitionNotAllowed
from ess.workflow_steps import advance
from partners.models import Convention, ConventionStatus
from tests.factories import ConventionFactory

pytestmark = pytest.mark.django_db


def test_advance_moves_writes_the_history_and_saves_the_changes_with_the_status(manager):
    convention = ConventionFactory()
    before = convention.updated_at

    moved = advance(
        convention,
        ConventionStatus.TERMINATED,
        by=manager,
        note="Projet abandonné",
        termination_reason="Projet abandonné",
    )

    assert moved is True
    stored = Convention.objects.get(pk=convention.pk)
    assert stored.status == ConventionStatus.TERMINATED
    assert stored.termination_reason == "Projet abandonné"
    assert stored.updated_at > before
    event = stored.events.get()
    assert (event.from_status, event.to_status, event.actor, event.note) == (
        ConventionStatus.DRAFT,
        ConventionStatus.TERMINATED,
        manager,
        "Projet abandonné",
    )


def test_advance_again_to_the_same_status_writes_nothing(manager):
    convention = ConventionFactory(status=ConventionStatus.TERMINATED, termination_reason="Avant")

    moved = advance(convention, ConventionStatus.TERMINATED, by=manager, termination_reason="Après")

    assert moved is False
    assert Convention.objects.get(pk=convention.pk).termination_reason == "Avant"
    assert not convention.events.exists()


def test_advance_refused_by_the_table_writes_nothing(manager):
    convention = ConventionFactory(active=True)

    with pytest.raises(TransitionNotAllowed):
        advance(convention, ConventionStatus.NEGOTIATION, by=manager)

    assert Convention.objects.get(pk=convention.pk).status == ConventionStatus.ACTIVE
    assert not convention.events.exists()
