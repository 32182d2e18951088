"""Every core predicate, over every persona (docs/architecture.md: named roles, never ranked)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from ess.models import AuditAction, AuditEvent
from ess.permissions import can_invite_users, can_view_audit
from ess.selectors import audit_events_visible_to

PERSONAS = [
    "requester",
    "coordinator",
    "specialist",
    "paramedic",
    "manager",
    "authority",
    "anonymous",
]


@pytest.fixture
def persona(request, db):
    if request.param == "anonymous":
        return AnonymousUser()
    return request.getfixturevalue(request.param)


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [(p, p == "manager") for p in PERSONAS],
    indirect=["persona"],
)
def test_only_managers_read_the_audit_trail(persona, allowed):
    AuditEvent.objects.create(action=AuditAction.VIEW, object_type="x", object_id="1")

    assert can_view_audit(persona) is allowed
    assert audit_events_visible_to(persona).count() == (1 if allowed else 0)


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [(p, p == "manager") for p in PERSONAS],
    indirect=["persona"],
)
def test_only_managers_invite_people(persona, allowed):
    assert can_invite_users(persona) is allowed


def test_a_person_holding_two_roles_has_the_rights_of_both(db):
    from tests.factories import UserFactory

    board_specialist = UserFactory(roles=["specialist", "manager"])

    assert can_view_audit(board_specialist)
    assert board_specialist.roles == {"specialist", "manager"}
