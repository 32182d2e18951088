"""The membership page shows a lifecycle button exactly when the service accepts the action, for
every status and persona, the member included (the service tried in a transaction rolled back
afterwards)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.test import Client
from django.urls import reverse

from ess.errors import TransitionNotAllowed
from ess.workflow import available_actions
from members import services
from members.models import MembershipStatus
from tests.conftest import signed_in
from tests.factories import MembershipFactory

BASE_URL = "https://ess.example"
ACTIONS = {
    "validate": lambda m, by: services.membership_validate(
        membership_id=m.pk, by=by, base_url=BASE_URL
    ),
    "request_changes": lambda m, by: services.membership_request_changes(
        membership_id=m.pk, by=by, note="Le RPPS ?", base_url=BASE_URL
    ),
    "refuse": lambda m, by: services.membership_refuse(membership_id=m.pk, by=by, reason="Non."),
    "suspend": lambda m, by: services.membership_suspend(membership_id=m.pk, by=by, reason="Non."),
    "reinstate": lambda m, by: services.membership_reinstate(membership_id=m.pk, by=by),
    "leave": lambda m, by: services.membership_leave(membership_id=m.pk, by=by, reason="Départ."),
}
WITH_ACCOUNT = {
    MembershipStatus.VALIDATED,
    MembershipStatus.ACTIVE,
    MembershipStatus.SUSPENDED,
    MembershipStatus.LEFT,
}


class _Rollback(Exception):
    pass


def _service_accepts(action: str, membership, user) -> bool:
    try:
        with transaction.atomic():
            before = membership.events.count()
            ACTIONS[action](membership, user)
            done = membership.events.count() > before
            raise _Rollback
    except (PermissionDenied, TransitionNotAllowed, ValidationError, Http404):
        return False
    except _Rollback:
        return done


@pytest.mark.parametrize("status", MembershipStatus.values)
def test_each_button_shows_exactly_when_the_service_accepts_the_action(
    status, requester, coordinator, specialist, manager, authority
):
    if status in WITH_ACCOUNT:
        membership = MembershipFactory(active=True)
        membership.status = status
        membership.save(update_fields=["status"])
    else:
        membership = MembershipFactory(status=status)
    personas = {
        "requester": requester,
        "coordinator": coordinator,
        "specialist": specialist,
        "manager": manager,
        "authority": authority,
    }
    if membership.user:
        personas["member"] = membership.user
    mismatches = []
    for name, user in personas.items():
        page = signed_in(Client(), user).get(
            reverse("members:membership_detail", args=[membership.public_id])
        )
        shown = {
            action
            for action in ACTIONS
            if page.status_code == 200
            and f'action="{reverse(f"members:membership_{action}", args=[membership.public_id])}"'
            in page.text
        }
        accepted = {action for action in ACTIONS if _service_accepts(action, membership, user)}
        if shown != accepted:
            mismatches.append((name, sorted(shown), sorted(accepted)))
        if page.status_code == 200:
            assert set(available_actions(user, membership)) == shown, name
    assert not mismatches, f"{status}: (persona, buttons, accepted by the service) {mismatches}"
