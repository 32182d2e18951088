"""The rota: fair (max − min ≤ 1 when constraints allow), never an absent or busy volunteer,
never two places at once; the manager's adjustments and publication; swaps."""

import random
from datetime import datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from ess.errors import TransitionNotAllowed
from ess.models import Notification
from referrals.booking.services import session_book
from scheduling import services
from scheduling.models import Absence, ConsultationSession, SwapRequest
from scheduling.rota import SessionSlot, fair_assignment
from tests.factories import (
    ConsultationPlanFactory,
    ConsultationSessionFactory,
    SlotFactory,
    UserFactory,
)

BASE = timezone.make_aware(datetime(2027, 1, 5, 9, 0))  # a Tuesday


def weekly(n):
    return [
        SessionSlot(i, BASE + timedelta(weeks=i), BASE + timedelta(weeks=i, hours=3))
        for i in range(n)
    ]


# ---------------------------------------------------------------------------------------------
# The algorithm on generated cases
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(40))
def test_fair_assignment_is_balanced_and_respects_constraints(seed):
    rng = random.Random(seed)
    sessions = weekly(rng.randint(5, 30))
    volunteers = list(range(rng.randint(2, 5)))
    # Each volunteer is unavailable a few random weeks (absences, other commitments).
    blocked = {(v, s.key) for v in volunteers for s in sessions if rng.random() < 0.15}

    def available(v, s):
        return (v, s.key) not in blocked

    assignment = fair_assignment(sessions, volunteers, available)

    for key, volunteer in assignment.items():
        if volunteer is None:  # only when nobody could run it
            assert all((v, key) in blocked for v in volunteers)
        else:
            assert (volunteer, key) not in blocked
    loads = {v: sum(1 for a in assignment.values() if a == v) for v in volunteers}
    # Local optimality: nobody with two sessions fewer could take one from a busier colleague.
    for v in volunteers:
        for key, holder in assignment.items():
            if holder is not None and loads[holder] >= loads[v] + 2:
                assert (v, key) in blocked
    # These constraints are loose enough for a perfectly balanced rota.
    if len(blocked) <= len(sessions) // 2:
        assert max(loads.values()) - min(loads.values()) <= 1, (seed, loads)


def test_without_constraints_every_volunteer_gets_the_same_share():
    assignment = fair_assignment(weekly(12), ["a", "b", "c"], lambda v, s: True)

    assert sorted(list(assignment.values()).count(v) for v in "abc") == [4, 4, 4]


def test_an_almost_always_absent_volunteer_does_not_unbalance_the_others():
    sessions = weekly(10)
    assignment = fair_assignment(sessions, ["a", "b", "c"], lambda v, s: v != "c" or s.key == 0)

    counts = {v: list(assignment.values()).count(v) for v in "abc"}
    assert counts == {"a": 5, "b": 4, "c": 1} or counts == {"a": 4, "b": 5, "c": 1}


# ---------------------------------------------------------------------------------------------
# The proposal on the database: absences, other sessions, availability slots
# ---------------------------------------------------------------------------------------------
@pytest.fixture
def plan(cardiology, manager):
    volunteers = [UserFactory(specialist=True) for _ in range(3)]
    plan = ConsultationPlanFactory(volunteers=volunteers)
    services.plan_generate_sessions(by=manager, plan_id=plan.pk)
    return plan


@pytest.mark.parametrize("seed", range(6))
def test_proposal_on_generated_cases_never_uses_an_absent_or_busy_specialist(seed, plan, manager):
    rng = random.Random(seed)
    volunteers = list(plan.volunteers.all())
    sessions = list(plan.sessions.order_by("date"))
    absences, busy = {}, {}
    for v in volunteers:
        day = rng.choice(sessions).date
        Absence.objects.create(
            specialist=v, starts_on=day, ends_on=day + timedelta(days=rng.randint(0, 8))
        )
        other = rng.choice(sessions)
        if rng.random() < 0.5:  # a session elsewhere at the same time
            ConsultationSessionFactory(
                specialist=v,
                date=other.date,
                starts_at=other.starts_at + timedelta(hours=1),
                ends_at=other.ends_at + timedelta(hours=1),
            )
        else:  # an availability slot overlapping
            SlotFactory(
                specialist=v,
                starts_at=other.starts_at,
                ends_at=other.starts_at + timedelta(hours=1),
            )
        busy.setdefault(v.pk, set()).add(other.pk)
        absences[v.pk] = Absence.objects.filter(specialist=v)

    result = services.rota_propose(by=manager, plan_id=plan.pk)

    sessions = list(plan.sessions.order_by("date"))
    for s in sessions:
        if s.specialist_id is None:
            assert s in result.unassigned
            continue
        assert (
            not absences[s.specialist_id]
            .filter(starts_on__lte=s.date, ends_on__gte=s.date)
            .exists()
        )
        assert s.pk not in busy[s.specialist_id]
        overlapping = ConsultationSession.objects.filter(
            specialist_id=s.specialist_id, starts_at__lt=s.ends_at, ends_at__gt=s.starts_at
        ).exclude(pk=s.pk)
        assert not overlapping.exists()
    counts = [sum(1 for s in sessions if s.specialist_id == v.pk) for v in volunteers]
    assert max(counts) - min(counts) <= 1, counts
    assert result.assigned == sum(counts)


def test_a_session_nobody_can_run_stays_unassigned_with_a_warning(plan, manager):
    first = plan.sessions.order_by("date").first()
    for v in plan.volunteers.all():
        Absence.objects.create(specialist=v, starts_on=first.date, ends_on=first.date)

    result = services.rota_propose(by=manager, plan_id=plan.pk)

    first.refresh_from_db()
    assert first.specialist is None
    assert [s.pk for s in result.unassigned] == [first.pk]


def test_adjusting_to_a_busy_specialist_is_refused_in_french(plan, manager):
    services.rota_propose(by=manager, plan_id=plan.pk)
    session = plan.sessions.order_by("date").first()
    other = plan.volunteers.exclude(pk=session.specialist_id).first()
    Absence.objects.create(specialist=other, starts_on=session.date, ends_on=session.date)

    with pytest.raises(ValidationError) as exc:
        services.session_assign(by=manager, session_id=session.pk, specialist=other)

    assert "n'est pas disponible" in exc.value.message_dict["specialist"][0]
    assert "absent ce jour-là" in exc.value.message_dict["specialist"][0]
    before = session.specialist_id
    session.refresh_from_db()
    assert session.specialist_id == before


def test_adjusting_then_publishing(plan, manager):
    services.rota_propose(by=manager, plan_id=plan.pk)
    session = plan.sessions.order_by("date").first()
    other = plan.volunteers.exclude(pk=session.specialist_id).first()

    services.session_assign(by=manager, session_id=session.pk, specialist=other)
    published, left = services.sessions_publish(by=manager, plan_id=plan.pk)

    session.refresh_from_db()
    assert session.specialist == other and session.status == "published"
    assert (published, left) == (plan.sessions.count(), 0)
    assert Notification.objects.filter(recipient=other, kind="consultation").exists()
    with pytest.raises(TransitionNotAllowed):
        services.session_assign(by=manager, session_id=session.pk, specialist=other)


def test_specialists_cannot_run_the_rota(plan, specialist):
    with pytest.raises(PermissionDenied):
        services.rota_propose(by=specialist, plan_id=plan.pk)


def test_the_database_refuses_two_places_at_once_on_postgresql(postgres, cardiology):
    session = ConsultationSessionFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsultationSessionFactory(
            specialist=session.specialist,
            starts_at=session.starts_at + timedelta(minutes=30),
            ends_at=session.ends_at + timedelta(minutes=30),
        )
    # Back to back is fine, and a cancelled session does not count.
    ConsultationSessionFactory(
        specialist=session.specialist,
        starts_at=session.ends_at,
        ends_at=session.ends_at + timedelta(hours=1),
    )
    ConsultationSessionFactory(
        specialist=session.specialist,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        status="cancelled",
    )
    assert connection.vendor == "postgresql"


# ---------------------------------------------------------------------------------------------
# Swaps
# ---------------------------------------------------------------------------------------------
@pytest.fixture
def published(cardiology):
    return ConsultationSessionFactory()


def test_swap_requested_then_approved_moves_the_session_and_tells_both(published, manager):
    colleague = UserFactory(specialist=True)
    owner = published.specialist

    swap = services.swap_request(
        by=owner, session_id=published.pk, replacement=colleague, reason="Congrès"
    )
    assert Notification.objects.filter(recipient=manager, kind="consultation").exists()
    services.swap_decide(by=manager, swap_id=swap.pk, approve=True)

    published.refresh_from_db()
    swap.refresh_from_db()
    assert published.specialist == colleague
    assert swap.status == "approved" and swap.decided_by == manager
    assert Notification.objects.filter(
        recipient=owner, title__startswith="Échange accepté"
    ).exists()
    assert Notification.objects.filter(
        recipient=colleague, title__startswith="Échange accepté"
    ).exists()


def test_swap_refused_leaves_the_session(published, manager):
    colleague = UserFactory(specialist=True)
    swap = services.swap_request(
        by=published.specialist, session_id=published.pk, replacement=colleague
    )

    services.swap_decide(by=manager, swap_id=swap.pk, approve=False, note="Pas de remplaçant")

    published.refresh_from_db()
    assert published.specialist != colleague
    assert SwapRequest.objects.get().status == "refused"
    with pytest.raises(TransitionNotAllowed):
        services.swap_decide(by=manager, swap_id=swap.pk, approve=True)


def test_approval_checks_again_that_the_colleague_is_free(published, manager):
    colleague = UserFactory(specialist=True)
    swap = services.swap_request(
        by=published.specialist, session_id=published.pk, replacement=colleague
    )
    Absence.objects.create(specialist=colleague, starts_on=published.date, ends_on=published.date)

    with pytest.raises(ValidationError) as exc:
        services.swap_decide(by=manager, swap_id=swap.pk, approve=True)

    assert "absent" in exc.value.message_dict["replacement"][0]
    published.refresh_from_db()
    assert published.specialist != colleague
    assert SwapRequest.objects.get().status == "pending"


def test_only_the_sessions_specialist_asks_and_only_managers_decide(
    published, other_specialist, coordinator
):
    colleague = UserFactory(specialist=True)
    with pytest.raises(PermissionDenied):
        services.swap_request(by=other_specialist, session_id=published.pk, replacement=colleague)
    swap = services.swap_request(
        by=published.specialist, session_id=published.pk, replacement=colleague
    )
    with pytest.raises(PermissionDenied):
        services.swap_decide(by=coordinator, swap_id=swap.pk, approve=True)
    with pytest.raises(TransitionNotAllowed):
        services.swap_request(
            by=published.specialist, session_id=published.pk, replacement=colleague
        )


def test_a_session_with_patients_cannot_be_cancelled(published, manager, coordinator):
    from tests.factories import ReferralFactory

    session_book(
        by=coordinator,
        session_id=published.pk,
        referral_id=ReferralFactory(triaged=True, response_mode="advanced_consultation").pk,
    )
    with pytest.raises(ValidationError):
        services.session_cancel(by=manager, session_id=published.pk)
    empty = ConsultationSessionFactory()
    services.session_cancel(by=manager, session_id=empty.pk)
    empty.refresh_from_db()
    assert empty.status == "cancelled"
    assert Notification.objects.filter(recipient=empty.specialist, kind="consultation").exists()
