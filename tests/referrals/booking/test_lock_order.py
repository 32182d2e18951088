"""One lock order for booking and releasing (scheduling/services/__init__.py): a referral's row,
then the slot, then the session. While another transaction holds the referral, a booking or a
swap that concerns it waits without holding the slot or the session, so a transition freeing
that referral's place (which locks the referral, then the slot or session) can never deadlock
with it. PostgreSQL, one connection per transaction."""

import threading
import time

import pytest
from django.db import DatabaseError, connection, transaction

from referrals.booking import services
from referrals.models import Referral
from scheduling import services as scheduling_services
from scheduling.models import AvailabilitySlot, ConsultationSession
from tests.factories import ConsultationSessionFactory, ReferralFactory, SlotFactory, UserFactory


def waiting_on_a_lock() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def run_while_the_referral_is_held(referral_id: int, action, *, row_model, row_pk: int):
    """Hold the referral's row in one transaction, run `action` in another until it waits, then
    try to lock `row_model`'s row without waiting: returns (row was free, action's outcome)."""
    held, release = threading.Event(), threading.Event()
    outcome: list = []

    def hold():
        try:
            with transaction.atomic():
                Referral.objects.select_for_update().get(pk=referral_id)
                held.set()
                release.wait(20)
        finally:
            connection.close()

    def act():
        try:
            outcome.append(action())
        except Exception as exc:  # the assertion shows it
            outcome.append(exc)
        finally:
            connection.close()

    holder, actor = threading.Thread(target=hold), threading.Thread(target=act)
    holder.start()
    try:
        assert held.wait(10)
        actor.start()
        deadline = time.monotonic() + 10
        while not waiting_on_a_lock() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert waiting_on_a_lock(), "the action never waited for the referral"
        try:
            with transaction.atomic():
                row_model.objects.select_for_update(nowait=True).get(pk=row_pk)
            row_was_free = True
        except DatabaseError:
            row_was_free = False
    finally:
        release.set()
        holder.join(20)
        if actor.ident is not None:  # started
            actor.join(20)
    return row_was_free, outcome[0] if outcome else None


@pytest.mark.django_db(transaction=True)
def test_booking_a_slot_locks_the_referral_before_the_slot(postgres, territory):
    coordinator = UserFactory(coordinator=True)
    slot, referral = SlotFactory(), ReferralFactory()

    slot_was_free, outcome = run_while_the_referral_is_held(
        referral.pk,
        lambda: services.slot_book(slot_id=slot.pk, referral_id=referral.pk, by=coordinator),
        row_model=AvailabilitySlot,
        row_pk=slot.pk,
    )

    assert slot_was_free
    assert outcome.slot_id == slot.pk  # booked once the referral was free again
    slot.refresh_from_db()
    assert slot.booked == 1


@pytest.mark.django_db(transaction=True)
def test_booking_a_session_locks_the_referral_before_the_session(postgres, territory):
    coordinator = UserFactory(coordinator=True)
    session = ConsultationSessionFactory()
    referral = ReferralFactory(triaged=True, response_mode="advanced_consultation")

    session_was_free, outcome = run_while_the_referral_is_held(
        referral.pk,
        lambda: services.session_book(
            by=coordinator, session_id=session.pk, referral_id=referral.pk
        ),
        row_model=ConsultationSession,
        row_pk=session.pk,
    )

    assert session_was_free
    assert outcome.session_id == session.pk


@pytest.mark.django_db(transaction=True)
def test_an_approved_swap_locks_the_booked_referrals_before_the_session(postgres, territory):
    coordinator, manager = UserFactory(coordinator=True), UserFactory(manager=True)
    session = ConsultationSessionFactory()
    referral = ReferralFactory(triaged=True, response_mode="advanced_consultation")
    services.session_book(by=coordinator, session_id=session.pk, referral_id=referral.pk)
    colleague = UserFactory(specialist=True)
    swap = scheduling_services.swap_request(
        by=session.specialist, session_id=session.pk, replacement=colleague
    )

    session_was_free, outcome = run_while_the_referral_is_held(
        referral.pk,
        lambda: scheduling_services.swap_decide(by=manager, swap_id=swap.pk, approve=True),
        row_model=ConsultationSession,
        row_pk=session.pk,
    )

    assert session_was_free
    assert outcome.status == "approved"
    referral.refresh_from_db()
    assert referral.specialist == colleague
