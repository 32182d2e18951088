"""Availability: specialists publish slots and absences, never beyond a slot's capacity (the
bookings of referrals into slots: tests/referrals/booking/test_slots.py)."""

import html
from datetime import date, datetime, time, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from referrals.booking import services
from scheduling.models import Absence, AvailabilitySlot
from tests.factories import (
    ConsultationSessionFactory,
    ConsultationSiteFactory,
    ReferralFactory,
    SlotFactory,
)

PAGE = reverse("scheduling:availability")


def next_monday() -> date:
    today = timezone.localdate()
    return today + timedelta(days=7 - today.weekday())


def publish(client, **overrides):
    data = {
        "slot-day": next_monday().isoformat(),
        "slot-start": "14:00",
        "slot-end": "16:00",
        "slot-place": "Cabinet, 12 rue Bannier, Orléans",
        "slot-capacity": "3",
        "slot-weeks": "1",
        **overrides,
    }
    return client.post(PAGE, data)


def test_a_specialist_publishes_a_weekly_slot(client_for, specialist):
    response = publish(client_for(specialist), **{"slot-weeks": "4"})

    assert response.status_code == 302
    slots = list(AvailabilitySlot.objects.order_by("starts_at"))
    assert len(slots) == 4
    assert len({s.series for s in slots}) == 1
    local = [timezone.localtime(s.starts_at) for s in slots]
    assert [d.date() for d in local] == [next_monday() + timedelta(weeks=w) for w in range(4)]
    assert {d.time() for d in local} == {time(14, 0)}  # same wall-clock time across DST
    assert {(s.capacity, s.specialty.code) for s in slots} == {(3, "cardiologie")}


def test_a_slot_needs_a_place_or_teleconsultation_and_an_end_after_its_start(
    client_for, specialist
):
    client = client_for(specialist)

    no_place = publish(client, **{"slot-place": ""})
    backwards = publish(client, **{"slot-end": "13:00"})
    past = publish(client, **{"slot-day": "2020-01-06"})
    tele = publish(client, **{"slot-place": "", "slot-teleconsultation": "on"})

    assert "Indiquez le lieu, ou cochez « téléconsultation »." in no_place.text
    assert "L&#x27;heure de fin doit suivre l&#x27;heure de début." in backwards.text
    assert "Le créneau doit être à venir." in past.text
    assert tele.status_code == 302
    assert AvailabilitySlot.objects.get().where == "Téléconsultation"


def test_a_slot_overlapping_the_specialist_s_agenda_is_refused_and_nothing_is_written(
    client_for, specialist, other_specialist
):
    client = client_for(specialist)
    publish(client)  # next Monday 14:00–16:00
    monday = next_monday()
    ConsultationSessionFactory(
        specialist=specialist,
        site=ConsultationSiteFactory(name="Gien"),
        date=monday + timedelta(days=1),
        starts_at=timezone.make_aware(datetime.combine(monday + timedelta(days=1), time(14))),
        ends_at=timezone.make_aware(datetime.combine(monday + timedelta(days=1), time(17))),
    )
    Absence.objects.create(
        specialist=specialist,
        starts_on=monday + timedelta(days=2),
        ends_on=monday + timedelta(days=2),
    )

    slot = publish(client, **{"slot-start": "15:30", "slot-end": "17:00"})
    session = publish(
        client,
        **{
            "slot-day": (monday + timedelta(days=1)).isoformat(),
            "slot-start": "16:00",
            "slot-end": "18:00",
        },
    )
    away = publish(client, **{"slot-day": (monday + timedelta(days=2)).isoformat()})
    later = monday + timedelta(weeks=1)
    SlotFactory(
        specialist=specialist,
        starts_at=timezone.make_aware(datetime.combine(later, time(10))),
        ends_at=timezone.make_aware(datetime.combine(later, time(11))),
    )
    series = publish(  # a weekly series whose second week falls on that slot
        client, **{"slot-start": "10:00", "slot-end": "11:00", "slot-weeks": "2"}
    )

    assert "un créneau de disponibilité est publié" in html.unescape(slot.text)
    assert "déjà en consultation avancée à Gien" in html.unescape(session.text)
    assert "absent ce jour-là" in html.unescape(away.text)
    assert f"Le créneau du {later:%d/%m/%Y} 10:00 est impossible" in html.unescape(series.text)
    assert AvailabilitySlot.objects.count() == 2  # the first publication's and the later one
    # Back to back is not an overlap, nor a colleague's slot at the same time.
    assert publish(client, **{"slot-start": "16:00", "slot-end": "18:00"}).status_code == 302
    assert publish(client_for(other_specialist)).status_code == 302


@pytest.mark.parametrize("persona", ["requester", "coordinator", "manager", "authority"])
def test_only_specialists_publish_slots(db, client_for, request, persona):
    client = client_for(request.getfixturevalue(persona))

    assert client.get(PAGE).status_code == 403
    assert publish(client).status_code == 403
    assert not AvailabilitySlot.objects.exists()


def test_the_availability_page_lists_slots_with_their_bookings(
    client_for, specialist, coordinator, territory, django_assert_max_num_queries
):
    client = client_for(specialist)
    SlotFactory(specialist=specialist)
    with django_assert_max_num_queries(30) as few:
        client.get(PAGE)
    for _ in range(10):
        slot = SlotFactory(specialist=specialist, capacity=2)
        referral = ReferralFactory()
        services.slot_book(slot_id=slot.pk, referral_id=referral.pk, by=coordinator)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(PAGE)

    assert response.text.count("ESS-2026-") == 10


def test_a_booked_slot_cannot_be_deleted(client_for, specialist, coordinator, territory):
    slot = SlotFactory(specialist=specialist)
    free = SlotFactory(specialist=specialist)
    services.slot_book(slot_id=slot.pk, referral_id=ReferralFactory().pk, by=coordinator)
    client = client_for(specialist)

    client.post(reverse("scheduling:slot_delete", args=[slot.public_id]))
    client.post(reverse("scheduling:slot_delete", args=[free.public_id]))

    assert list(AvailabilitySlot.objects.all()) == [slot]


def test_a_specialist_cannot_delete_someone_elses_slot(client_for, specialist):
    slot = SlotFactory()

    response = client_for(specialist).post(reverse("scheduling:slot_delete", args=[slot.public_id]))

    assert response.status_code == 404
    assert AvailabilitySlot.objects.exists()


def test_an_absence_ending_before_it_starts_is_refused(client_for, specialist):
    response = client_for(specialist).post(
        reverse("scheduling:absence_create"),
        {"absence-starts_on": "2030-05-10", "absence-ends_on": "2030-05-01"},
        follow=True,
    )

    assert "La fin de l&#x27;absence ne peut précéder son début." in response.text
    assert not Absence.objects.exists()


def test_the_database_refuses_an_overbooked_slot(territory):
    slot = SlotFactory(capacity=1, booked=1)

    with pytest.raises(IntegrityError), transaction.atomic():
        AvailabilitySlot.objects.filter(pk=slot.pk).update(booked=2)
