"""On-call swaps (a colleague proposed, a manager decides, the duty moves) and the warning of
shifts nobody covers (once per shift)."""

from datetime import date, datetime, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ess.errors import TransitionNotAllowed
from ess.models import Notification, OutboundEmail
from scheduling import services
from scheduling.models import Absence, OnCallDuty, OnCallShift, SwapStatus
from scheduling.selectors import on_call_at
from scheduling.tasks import warn_on_call_gaps
from tests.factories import UserFactory

# A Monday five weeks ahead or more: shifts are planned for the future.
MONDAY = date.today() + timedelta(days=35 + 7 - date.today().weekday())


def at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


@pytest.fixture
def team(cardiology, manager):
    people = [UserFactory(specialist=True, specialty=cardiology) for _ in range(3)]
    services.on_call_volunteers_set(by=manager, specialty=cardiology, volunteers=people)
    return people


@pytest.fixture
def duty(team, cardiology):
    shift = OnCallShift.objects.create(
        specialty=cardiology, starts_at=at(MONDAY, 8), ends_at=at(MONDAY, 13)
    )
    return OnCallDuty.objects.create(shift=shift, specialist=team[0], rank=1)


def ask(duty, replacement, reason="Congrès"):
    return services.on_call_swap_request(
        by=duty.specialist, duty_id=duty.pk, replacement=replacement, reason=reason
    )


def test_an_approved_swap_moves_the_duty_and_tells_both(duty, team, manager):
    swap = ask(duty, team[1])
    assert Notification.objects.filter(
        recipient=manager, title__contains="Échange de garde"
    ).exists()

    services.on_call_swap_decide(by=manager, swap_id=swap.pk, approve=True, note="OK")
    services.on_call_swap_decide(by=manager, swap_id=swap.pk, approve=True)

    swap.refresh_from_db()
    duty.refresh_from_db()
    assert swap.status == SwapStatus.APPROVED
    assert duty.specialist == team[1]
    assert on_call_at(duty.shift.specialty_id, at(MONDAY, 9)) == [team[1]]
    told = Notification.objects.filter(title__startswith="Échange de garde accepté")
    assert {n.recipient_id for n in told} == {team[0].pk, team[1].pk}


def test_a_refused_swap_leaves_the_duty_and_cannot_be_approved_after(duty, team, manager):
    swap = ask(duty, team[1])
    services.on_call_swap_decide(by=manager, swap_id=swap.pk, approve=False)

    with pytest.raises(TransitionNotAllowed) as refused:
        services.on_call_swap_decide(by=manager, swap_id=swap.pk, approve=True)
    assert "déjà été traitée" in str(refused.value)
    duty.refresh_from_db()
    assert duty.specialist == team[0]
    assert Notification.objects.filter(title__startswith="Échange de garde refusé").count() == 2


def test_one_pending_swap_per_duty(duty, team):
    ask(duty, team[1])
    with pytest.raises(TransitionNotAllowed) as refused:
        ask(duty, team[2])
    assert "déjà demandé" in str(refused.value)


def test_only_the_specialist_on_duty_asks_and_only_a_manager_decides(duty, team, coordinator):
    with pytest.raises(PermissionDenied):
        services.on_call_swap_request(by=team[1], duty_id=duty.pk, replacement=team[2])
    swap = ask(duty, team[1])
    for who in (team[0], team[1], coordinator):
        with pytest.raises(PermissionDenied):
            services.on_call_swap_decide(by=who, swap_id=swap.pk, approve=True)


def test_the_colleague_must_be_a_free_volunteer(duty, team, cardiology):
    outsider = UserFactory(specialist=True, specialty=cardiology)
    with pytest.raises(ValidationError) as refused:
        ask(duty, outsider)
    assert "n'est pas volontaire" in str(refused.value)
    Absence.objects.create(specialist=team[2], starts_on=MONDAY, ends_on=MONDAY)
    with pytest.raises(ValidationError) as refused:
        ask(duty, team[2])
    assert "absent ce jour-là" in str(refused.value)
    with pytest.raises(ValidationError) as refused:
        ask(duty, team[0])
    assert "collègue" in str(refused.value)


def test_approval_checks_the_colleague_again(duty, team, manager):
    swap = ask(duty, team[1])
    Absence.objects.create(specialist=team[1], starts_on=MONDAY, ends_on=MONDAY)
    with pytest.raises(ValidationError):
        services.on_call_swap_decide(by=manager, swap_id=swap.pk, approve=True)
    swap.refresh_from_db()
    assert swap.status == SwapStatus.PENDING


def test_a_past_or_draft_duty_cannot_be_swapped(team, cardiology):
    past = OnCallShift.objects.create(
        specialty=cardiology,
        starts_at=timezone.now() - timedelta(hours=5),
        ends_at=timezone.now() - timedelta(hours=1),
    )
    draft = OnCallShift.objects.create(
        specialty=cardiology, starts_at=at(MONDAY, 8), ends_at=at(MONDAY, 13), status="draft"
    )
    for shift in (past, draft):
        duty = OnCallDuty.objects.create(shift=shift, specialist=team[0], rank=1)
        with pytest.raises(TransitionNotAllowed):
            ask(duty, team[1])


# ---------------------------------------------------------------------------------------------
# Gap warnings
# ---------------------------------------------------------------------------------------------
def test_each_gap_of_the_coming_days_is_warned_once(
    cardiology, manager, coordinator, specialist, team, django_capture_on_commit_callbacks
):
    soon = timezone.now() + timedelta(days=2)
    empty = OnCallShift.objects.create(
        specialty=cardiology, starts_at=soon, ends_at=soon + timedelta(hours=5)
    )
    covered = OnCallShift.objects.create(
        specialty=cardiology,
        starts_at=soon + timedelta(hours=5),
        ends_at=soon + timedelta(hours=10),
    )
    OnCallDuty.objects.create(shift=covered, specialist=team[0])
    far = soon + timedelta(days=10)
    OnCallShift.objects.create(
        specialty=cardiology, starts_at=far, ends_at=far + timedelta(hours=1)
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert warn_on_call_gaps() == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert warn_on_call_gaps() == 0

    warned = Notification.objects.filter(dedupe_key=f"oncall-gap:{empty.pk}")
    assert {n.recipient_id for n in warned} == {manager.pk, coordinator.pk}
    assert not Notification.objects.filter(recipient=specialist).exists()
    # Through the outbox: one email each, delivered after commit, not written again.
    emails = OutboundEmail.objects.filter(to__in=[manager.email, coordinator.email])
    assert emails.count() == 2
    assert all(e.sent_at for e in emails)
