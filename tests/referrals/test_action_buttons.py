"""The referral page shows an action's button exactly when the service accepts that action.

For every status and every persona, the page is rendered, then each action is tried through
its service inside a transaction rolled back afterwards: a button is on the page if and only if
the service carried out the action (no refusal, and a new line in the history). The API's
`allowed_actions` says the same as the page.
"""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ess.errors import TransitionNotAllowed
from ess.workflow import available_actions
from referrals import services
from referrals.models import Referral, Status
from tests.conftest import signed_in
from tests.factories import ReferralFactory, UserFactory

PERSONAS = (
    "requester",
    "other_requester",
    "coordinator",
    "specialist",  # the case is offered to them by name, then they hold it
    "other_specialist",  # same specialty, not offered
    "paramedic",
    "manager",
    "authority",
)

# Each action with the arguments a valid form would give its service.
ACTIONS = {
    "triage": lambda r, by: services.referral_triage(
        referral_id=r.pk, by=by, priority="P2", response_mode="teleexpertise_async"
    ),
    "request_info": lambda r, by: services.referral_request_info(
        referral_id=r.pk, by=by, question="Quel traitement en cours ?"
    ),
    "provide_info": lambda r, by: services.referral_provide_info(
        referral_id=r.pk, by=by, answer="Bêtabloquant depuis un an."
    ),
    "accept": lambda r, by: services.referral_accept(referral_id=r.pk, by=by),
    "decline": lambda r, by: services.referral_decline(
        referral_id=r.pk, by=by, reason="Absent cette semaine."
    ),
    "schedule": lambda r, by: services.referral_schedule(
        referral_id=r.pk,
        by=by,
        starts_at=timezone.now().replace(microsecond=0) + timedelta(days=9),
        location="Cabinet de cardiologie",
    ),
    "complete": lambda r, by: services.referral_complete(
        referral_id=r.pk, by=by, answer="Holter ECG, puis réévaluation."
    ),
    "reorient": lambda r, by: services.referral_reorient(
        referral_id=r.pk, by=by, target="CHU d'Orléans", reason="Hors du champ de l'ESS."
    ),
    "cancel": lambda r, by: services.referral_cancel(
        referral_id=r.pk, by=by, reason="Le patient a vu un cardiologue."
    ),
}


class _Rollback(Exception):
    pass


def _service_accepts(action: str, referral, user) -> bool:
    """Whether the service carries the action out (then undone)."""
    try:
        with transaction.atomic():
            before = referral.events.count()
            ACTIONS[action](referral, user)
            done = referral.events.count() > before
            raise _Rollback
    except (PermissionDenied, TransitionNotAllowed, ValidationError):
        return False
    except Referral.DoesNotExist:  # awaiting its sender's confirmation: no service sees it
        return False
    except _Rollback:
        return done


def _referral_in(status: str, cast: dict):
    now = timezone.now()
    fields = {"status": status, "requester": cast["requester"]}
    if status != Status.SUBMITTED and status != Status.INFO_REQUESTED:
        fields |= {
            "priority": "P2",
            "response_mode": "teleexpertise_async",
            "triaged_at": now,
            "due_at": now + timedelta(hours=48),
        }
    if status == Status.TRIAGED:
        fields["offered_to"] = cast["specialist"]
    if status in (Status.ACCEPTED, Status.SCHEDULED, Status.COMPLETED):
        fields |= {"specialist": cast["specialist"], "accepted_at": now}
    if status == Status.SCHEDULED:
        fields |= {
            "appointment_at": now + timedelta(days=3),
            "appointment_location": "Cabinet de cardiologie",
        }
    if status == Status.COMPLETED:
        fields |= {"answer": "Avis rendu.", "answered_at": now, "completed_at": now}
    if status in (Status.COMPLETED, Status.REORIENTED, Status.CANCELLED):
        fields |= {"closed_at": now, "closing_reason": "" if status == "completed" else "Motif"}
    return ReferralFactory(**fields)


def _buttons(page: str, referral) -> set[str]:
    return {
        action
        for action in ACTIONS
        if f'action="{reverse(f"referrals:{action}", args=[referral.public_id])}"' in page
    }


@pytest.fixture
def cast(cardiology):
    return {
        "requester": UserFactory(requester=True),
        "other_requester": UserFactory(requester=True),
        "coordinator": UserFactory(coordinator=True),
        "specialist": UserFactory(specialist=True),
        "other_specialist": UserFactory(specialist=True),
        "paramedic": UserFactory(paramedic=True),
        "manager": UserFactory(manager=True),
        "authority": UserFactory(authority=True),
    }


@pytest.mark.parametrize("status", Status.values)
def test_each_button_shows_exactly_when_the_service_accepts_the_action(status, cast):
    referral = _referral_in(status, cast)
    mismatches = []
    for persona in PERSONAS:
        user = cast[persona]
        client = signed_in(Client(), user)
        response = client.get(reverse("referrals:detail", args=[referral.public_id]))
        assert response.status_code in (200, 404), (persona, response.status_code)
        shown = _buttons(response.text, referral) if response.status_code == 200 else set()
        accepted = {action for action in ACTIONS if _service_accepts(action, referral, user)}
        if shown != accepted:
            mismatches.append((persona, sorted(shown), sorted(accepted)))
        assert set(available_actions(user, referral)) == shown, persona
    assert not mismatches, f"{status}: (persona, buttons, accepted by the service) {mismatches}"


def test_a_scheduled_case_can_be_given_back_from_its_page(cast):
    referral = _referral_in(Status.SCHEDULED, cast)
    client = signed_in(Client(), cast["specialist"])

    page = client.get(reverse("referrals:detail", args=[referral.public_id])).text

    assert "decline" in _buttons(page, referral)
    assert ">Refuser</button>" in page


def test_the_api_lists_the_same_actions_as_the_page(cast):
    referral = _referral_in(Status.TRIAGED, cast)
    client = signed_in(Client(), cast["specialist"])

    body = client.get(f"/api/v1/referrals/{referral.public_id}/").json()

    assert body["allowed_actions"] == ["accept", "decline"]
