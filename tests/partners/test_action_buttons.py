"""The convention page shows a lifecycle button exactly when the service accepts the action, for
every status and persona (the service tried in a transaction rolled back afterwards)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ess.errors import TransitionNotAllowed
from ess.workflow import available_actions
from partners import services
from partners.models import ConventionDocument, ConventionStatus
from tests.conftest import signed_in
from tests.factories import ConventionFactory
from tests.referrals.conftest import PDF_BYTES

ACTIONS = {
    "submit_for_negotiation": (
        "convention_negotiate",
        lambda c, by: services.convention_submit_for_negotiation(convention_id=c.pk, by=by),
    ),
    "sign": (
        "convention_sign",
        lambda c, by: services.convention_sign(
            convention_id=c.pk, by=by, signed_on=timezone.localdate()
        ),
    ),
    "activate": (
        "convention_activate",
        lambda c, by: services.convention_activate(convention_id=c.pk, by=by),
    ),
    "expire": (
        "convention_expire",
        lambda c, by: services.convention_expire(convention_id=c.pk, by=by),
    ),
    "terminate": (
        "convention_terminate",
        lambda c, by: services.convention_terminate(convention_id=c.pk, by=by, reason="Fin."),
    ),
}


class _Rollback(Exception):
    pass


def _service_accepts(action: str, convention, user) -> bool:
    try:
        with transaction.atomic():
            before = convention.events.count()
            ACTIONS[action][1](convention, user)
            done = convention.events.count() > before
            raise _Rollback
    except (PermissionDenied, TransitionNotAllowed, ValidationError):
        return False
    except _Rollback:
        return done


def _convention_in(status: str, manager):
    today = timezone.localdate()
    fields = {"status": status}
    if status in (ConventionStatus.SIGNED, ConventionStatus.ACTIVE, ConventionStatus.EXPIRED):
        # Signed a month ago, in force since then, past its end date yesterday.
        month_ago = today - timedelta(days=30)
        fields |= {
            "signed_on": month_ago,
            "effective_on": month_ago,
            "end_on": today - timedelta(1),
        }
    if status == ConventionStatus.TERMINATED:
        fields["termination_reason"] = "Abandonnée."
    convention = ConventionFactory(**fields)
    ConventionDocument.objects.create(
        convention=convention,
        doc_type="signed",
        version=1,
        file=ContentFile(PDF_BYTES, name="signee.pdf"),
        original_name="signee.pdf",
        content_type="application/pdf",
        size=len(PDF_BYTES),
        sha256="0" * 64,
        uploaded_by=manager,
    )
    return convention


@pytest.mark.parametrize("status", ConventionStatus.values)
def test_each_button_shows_exactly_when_the_service_accepts_the_action(status, personas):
    convention = _convention_in(status, personas["manager"])
    mismatches = []
    for name, user in personas.items():
        if name == "anonymous":
            continue
        page = signed_in(Client(), user).get(
            reverse("partners:convention_detail", args=[convention.public_id])
        )
        shown = {
            action
            for action, (url_name, _call) in ACTIONS.items()
            if page.status_code == 200
            and f'action="{reverse(f"partners:{url_name}", args=[convention.public_id])}"'
            in page.text
        }
        accepted = {action for action in ACTIONS if _service_accepts(action, convention, user)}
        if shown != accepted:
            mismatches.append((name, sorted(shown), sorted(accepted)))
        assert set(available_actions(user, convention)) == shown, name
    assert not mismatches, f"{status}: (persona, buttons, accepted by the service) {mismatches}"
