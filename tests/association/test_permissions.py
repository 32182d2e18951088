"""Who may do what with the association's life, over every persona: the management runs it, a
member (an active membership) reads it, anyone else nothing."""

import pytest
from django.contrib.auth.models import AnonymousUser

from association import permissions as perms
from association.selectors import assemblies_visible_to
from tests.factories import MembershipFactory

PERSONAS = ["requester", "coordinator", "specialist", "paramedic", "manager", "authority"]


@pytest.fixture
def persona(request, db):
    if request.param == "anonymous":
        return AnonymousUser()
    return request.getfixturevalue(request.param)


@pytest.mark.parametrize(
    ("persona", "manages"),
    [(p, p == "manager") for p in [*PERSONAS, "anonymous"]],
    indirect=["persona"],
)
def test_only_the_management_runs_the_association_and_only_members_read_it(persona, manages, scene):
    planned, convened = scene.assembly(), scene.convened(days=5)

    assert perms.can_manage_association(persona) is manages
    assert perms.can_view_association(persona) is manages
    expected = {planned, convened} if manages else set()
    assert set(assemblies_visible_to(persona)) == expected


def test_a_member_reads_convened_and_held_assemblies_only(scene):
    planned, convened = scene.assembly(), scene.convened(days=5)
    member = scene.members[0].user

    assert perms.can_view_association(member)
    assert not perms.can_manage_association(member)
    assert list(assemblies_visible_to(member)) == [convened]
    assert not perms.can_view_assembly(member, planned)
    assert not perms.can_read_minutes(member, convened)


def test_a_former_member_reads_nothing(scene):
    former = MembershipFactory(active=True)
    former.status = "left"
    former.save(update_fields=["status"])
    scene.convened(days=5)

    assert not perms.can_view_association(former.user)
    assert not assemblies_visible_to(former.user).exists()
