"""Slots in triage and booking: absent specialists are not suggested, each one's next free slot
is; coordinators book referrals into slots from the referral page, never beyond a slot's
capacity, and the slot is freed when the case leaves its specialist."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from ess.errors import TransitionNotAllowed
from referrals.booking import services
from referrals.selectors import specialists_for_triage
from scheduling.models import Absence, Booking
from tests.factories import ReferralFactory, SlotFactory, UserFactory


def test_an_absent_specialist_is_not_suggested_for_triage(client_for, specialist, territory):
    present = UserFactory(specialist=True)
    referral = ReferralFactory()
    today = timezone.localdate()
    client_for(specialist).post(
        reverse("scheduling:absence_create"),
        {"absence-starts_on": today.isoformat(), "absence-ends_on": (today + timedelta(days=7))},
    )

    suggested = specialists_for_triage(referral)

    assert Absence.objects.filter(specialist=specialist).exists()
    assert present in suggested and specialist not in suggested


def test_triage_suggestions_show_each_specialists_next_free_slot(specialist, territory):
    SlotFactory(specialist=specialist, starts_at=timezone.now() + timedelta(days=3))
    soon = SlotFactory(specialist=specialist, starts_at=timezone.now() + timedelta(days=1))
    SlotFactory(specialist=specialist, starts_at=timezone.now() + timedelta(hours=2), booked=1)

    (row,) = specialists_for_triage(ReferralFactory())

    assert row.next_slot == soon.starts_at
    assert "prochain créneau le" in row.triage_label


def test_the_coordinator_sees_the_next_free_slots_and_books_one(
    client_for, coordinator, specialist, territory
):
    absent = UserFactory(specialist=True)
    Absence.objects.create(
        specialist=absent,
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + timedelta(days=9),
    )
    hidden = SlotFactory(specialist=absent)
    full = SlotFactory(specialist=specialist, booked=1)
    slot = SlotFactory(specialist=specialist, capacity=2)
    referral = ReferralFactory(urgency_requested="P2")
    client = client_for(coordinator)
    page = client.get(reverse("referrals:detail", args=[referral.public_id]))
    assert [s.pk for s in page.context["free_slots"]] == [slot.pk]
    assert str(hidden.public_id) not in page.text and str(full.public_id) not in page.text

    response = client.post(
        reverse("referrals:slot_book", args=[referral.public_id]), {"slot": slot.public_id}
    )

    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == "triaged"
    assert referral.offered_to == specialist
    assert (referral.priority, referral.response_mode) == ("P2", "urgent_consultation")
    assert "Créneau réservé le" in referral.events.last().note
    slot.refresh_from_db()
    assert slot.booked == 1
    assert Booking.objects.get().slot == slot
    page = client.get(reverse("referrals:detail", args=[referral.public_id]))
    assert "Créneau réservé" in page.text and page.context["free_slots"] == []


def test_the_specialist_schedules_at_the_booked_slot(client_for, coordinator, specialist):
    slot = SlotFactory(specialist=specialist)
    referral = ReferralFactory()
    services.slot_book(slot_id=slot.pk, referral_id=referral.pk, by=coordinator)
    client = client_for(specialist)
    client.post(reverse("referrals:accept", args=[referral.public_id]))

    page = client.get(reverse("referrals:detail", args=[referral.public_id]))

    form = page.context["schedule_form"]
    assert form.initial == {"starts_at": slot.starts_at, "location": slot.place}


def test_a_full_slot_is_refused_with_a_message(client_for, coordinator, territory):
    slot = SlotFactory(capacity=1)
    first, second = ReferralFactory(), ReferralFactory()
    client = client_for(coordinator)
    url = reverse("referrals:slot_book", args=[second.public_id])
    services.slot_book(slot_id=slot.pk, referral_id=first.pk, by=coordinator)

    response = client.post(url, {"slot": slot.public_id}, follow=True)

    assert "est complet : choisissez-en un autre." in response.text
    second.refresh_from_db()
    assert second.status == "submitted"
    assert Booking.objects.count() == 1


def test_booking_twice_is_a_no_op_and_a_second_slot_is_refused(coordinator, territory):
    slot, other = SlotFactory(capacity=3), SlotFactory()
    referral = ReferralFactory()

    first = services.slot_book(slot_id=slot.pk, referral_id=referral.pk, by=coordinator)
    again = services.slot_book(slot_id=slot.pk, referral_id=referral.pk, by=coordinator)
    with pytest.raises(TransitionNotAllowed, match="déjà un créneau"):
        services.slot_book(slot_id=other.pk, referral_id=referral.pk, by=coordinator)

    assert first == again
    slot.refresh_from_db()
    assert slot.booked == 1


def test_a_slot_of_another_specialty_or_an_accepted_referral_cannot_be_booked(
    coordinator, territory
):
    from ess.models import Specialty

    pneumologist = UserFactory(specialist=True, specialty=Specialty.objects.get(code="pneumologie"))
    other_specialty = SlotFactory(specialist=pneumologist)
    accepted = ReferralFactory(status="accepted", specialist=UserFactory(specialist=True))

    with pytest.raises(Exception, match="autre spécialité"):
        services.slot_book(
            slot_id=other_specialty.pk, referral_id=ReferralFactory().pk, by=coordinator
        )
    with pytest.raises(TransitionNotAllowed, match="Prise en charge"):
        services.slot_book(slot_id=SlotFactory().pk, referral_id=accepted.pk, by=coordinator)


@pytest.mark.parametrize("persona", ["requester", "specialist", "manager", "authority"])
def test_only_coordinators_book(request, persona, territory):
    with pytest.raises(PermissionDenied):
        services.slot_book(
            slot_id=SlotFactory().pk,
            referral_id=ReferralFactory().pk,
            by=request.getfixturevalue(persona),
        )


def test_a_requester_cannot_book_through_the_page(client_for, territory):
    referral = ReferralFactory()
    slot = SlotFactory()

    response = client_for(referral.requester).post(
        reverse("referrals:slot_book", args=[referral.public_id]), {"slot": slot.public_id}
    )

    assert response.status_code == 403
    assert not Booking.objects.exists()


def test_freeing_a_slot_gives_its_place_back(client_for, coordinator, territory):
    slot = SlotFactory()
    referral = ReferralFactory()
    services.slot_book(slot_id=slot.pk, referral_id=referral.pk, by=coordinator)

    client_for(coordinator).post(reverse("referrals:booking_cancel", args=[referral.public_id]))

    slot.refresh_from_db()
    assert slot.booked == 0
    assert not Booking.objects.exists()


@pytest.mark.parametrize("leaves", ["declined", "cancelled", "reoriented"])
def test_a_case_that_leaves_its_specialist_frees_the_booked_slot(
    specialist, coordinator, territory, leaves
):
    from referrals import services as referral_services

    slot = SlotFactory(specialist=specialist, capacity=1)
    referral = ReferralFactory()
    services.slot_book(slot_id=slot.pk, referral_id=referral.pk, by=coordinator)
    slot.refresh_from_db()
    assert slot.booked == 1

    if leaves == "declined":
        referral_services.referral_decline(
            referral_id=referral.pk, by=specialist, reason="Indisponible finalement"
        )
    elif leaves == "cancelled":
        referral_services.referral_cancel(
            referral_id=referral.pk, by=referral.requester, reason="Vu aux urgences"
        )
    else:
        referral_services.referral_reorient(
            referral_id=referral.pk, by=coordinator, target="CHU", reason="Avis chirurgical"
        )

    slot.refresh_from_db()
    assert slot.booked == 0
    assert not Booking.objects.filter(referral=referral).exists()
    other = ReferralFactory()
    services.slot_book(slot_id=slot.pk, referral_id=other.pk, by=coordinator)  # free again
