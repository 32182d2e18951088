"""A place (a specialist's slot, an advanced-consultation appointment) is booked for a patient
the specialist sees: a request answered by asynchronous télé-expertise is refused one, by the
service, the referral page and the API alike, and nothing is written."""

from html import unescape

import pytest
from django.urls import reverse

from ess.errors import TransitionNotAllowed
from referrals.booking import services
from referrals.models import Status
from scheduling.models import Appointment, Booking
from tests.factories import ConsultationSessionFactory, ReferralFactory, SlotFactory

MODE_REFUSAL = "régulée en « Télé-expertise asynchrone » : le patient n'est pas reçu"


def opinion():
    return ReferralFactory(triaged=True, response_mode="teleexpertise_async")


def api_url(referral) -> str:
    return f"/api/v1/referrals/{referral.public_id}/book-slot/"


def _nothing_booked(referral, slot) -> None:
    referral.refresh_from_db()
    slot.refresh_from_db()
    assert (referral.status, referral.response_mode) == (Status.TRIAGED, "teleexpertise_async")
    assert referral.offered_to_pool and referral.offered_to is None
    assert slot.booked == 0 and not Booking.objects.exists()


def test_the_service_refuses_a_slot_to_an_asynchronous_teleexpertise(coordinator, territory):
    referral, slot = opinion(), SlotFactory()

    with pytest.raises(TransitionNotAllowed, match=MODE_REFUSAL):
        services.slot_book(slot_id=slot.pk, referral_id=referral.pk, by=coordinator)

    _nothing_booked(referral, slot)


def test_a_request_for_an_opinion_only_is_refused_a_slot_until_triaged_as_a_consultation(
    coordinator, territory
):
    referral, slot = ReferralFactory(preferred_response="opinion"), SlotFactory()

    with pytest.raises(TransitionNotAllowed, match="attend un avis \\(télé-expertise\\)"):
        services.slot_book(slot_id=slot.pk, referral_id=referral.pk, by=coordinator)

    assert not Booking.objects.exists()
    referral.preferred_response = "consultation"
    referral.save()
    assert services.slot_book(slot_id=slot.pk, referral_id=referral.pk, by=coordinator)


def test_the_referral_page_says_why_the_slot_is_refused(client_for, coordinator, territory):
    referral, slot = opinion(), SlotFactory()
    client = client_for(coordinator)
    page = client.get(reverse("referrals:detail", args=[referral.public_id]))
    assert page.context["can_book"] is False

    response = client.post(
        reverse("referrals:slot_book", args=[referral.public_id]),
        {"slot": slot.public_id},
        follow=True,
    )

    assert response.status_code == 200
    assert MODE_REFUSAL in unescape(response.text)
    _nothing_booked(referral, slot)


def test_the_api_answers_409_with_the_reason(api_client, coordinator, territory):
    referral, slot = opinion(), SlotFactory()
    api_client.force_authenticate(coordinator)

    response = api_client.post(api_url(referral), {"slot": str(slot.public_id)}, format="json")

    assert response.status_code == 409
    assert MODE_REFUSAL in response.json()["detail"]
    _nothing_booked(referral, slot)


def test_the_api_books_a_consultation_into_the_slot(api_client, coordinator, specialist):
    referral = ReferralFactory(urgency_requested="P2")
    slot = SlotFactory(specialist=specialist)
    api_client.force_authenticate(coordinator)

    response = api_client.post(api_url(referral), {"slot": str(slot.public_id)}, format="json")

    assert response.status_code == 200
    assert response.json()["status"] == "triaged"
    referral.refresh_from_db()
    assert (referral.offered_to, referral.response_mode) == (specialist, "urgent_consultation")
    assert Booking.objects.get().slot == slot


def test_the_api_refuses_anyone_but_the_coordination_and_a_bad_slot(
    api_client, coordinator, requester, territory
):
    referral = ReferralFactory(requester=requester)
    slot = SlotFactory()
    api_client.force_authenticate(requester)
    assert (
        api_client.post(api_url(referral), {"slot": str(slot.public_id)}, format="json")
    ).status_code == 403
    api_client.force_authenticate(coordinator)
    assert api_client.post(api_url(referral), {"slot": "x"}, format="json").status_code == 400
    missing = api_client.post(api_url(referral), {"slot": str(referral.public_id)}, format="json")
    assert missing.status_code == 404
    assert not Booking.objects.exists()


def test_an_advanced_consultation_appointment_is_refused_to_a_teleexpertise(
    coordinator, cardiology
):
    referral = opinion()
    session = ConsultationSessionFactory()

    with pytest.raises(TransitionNotAllowed, match=MODE_REFUSAL):
        services.session_book(by=coordinator, session_id=session.pk, referral_id=referral.pk)

    referral.refresh_from_db()
    assert referral.status == Status.TRIAGED and referral.response_mode == "teleexpertise_async"
    assert not Appointment.objects.exists()


def test_an_advanced_consultation_is_booked_into_a_session_never_a_slot(
    client_for, coordinator, territory
):
    referral = ReferralFactory(triaged=True, response_mode="advanced_consultation")
    slot = SlotFactory(specialist__specialty=referral.specialty)

    with pytest.raises(TransitionNotAllowed, match="réservez-lui une place d'une consultation"):
        services.slot_book(slot_id=slot.pk, referral_id=referral.pk, by=coordinator)
    page = client_for(coordinator).get(reverse("referrals:detail", args=[referral.public_id]))

    slot.refresh_from_db()
    assert slot.booked == 0 and not Booking.objects.exists()
    assert str(slot.public_id) not in page.text  # no slot offered on the page
