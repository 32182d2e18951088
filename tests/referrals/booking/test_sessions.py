"""Booking a referral into a session: nearest first, scheduled with its events, capacity never
exceeded, place freed when the case leaves the appointment; the referral page and its POST."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from ess.errors import TransitionNotAllowed
from ess.models import Notification
from referrals import services as referral_services
from referrals.booking import selectors, services
from referrals.models import Referral, ReferralEvent
from scheduling.models import Appointment
from tests.factories import (
    ConsultationSessionFactory,
    ConsultationSiteFactory,
    PatientFactory,
    ReferralFactory,
    SlotFactory,
    UserFactory,
)


def advanced(**kwargs):
    return ReferralFactory(triaged=True, response_mode="advanced_consultation", **kwargs)


@pytest.fixture
def session(cardiology):
    return ConsultationSessionFactory(site=ConsultationSiteFactory(name="MSP de Pithiviers"))


def test_sessions_are_offered_nearest_the_patient_first_then_soonest(cardiology):
    patient = PatientFactory(commune_id="45119")  # Dadonville, same EPCI as Pithiviers
    referral = advanced(patient=patient)
    soon = timezone.localdate() + timedelta(days=2)
    later = timezone.localdate() + timedelta(days=9)
    far = ConsultationSessionFactory(site=ConsultationSiteFactory(commune_id="2A004"), date=soon)
    dept = ConsultationSessionFactory(site=ConsultationSiteFactory(commune_id="45155"), date=soon)
    epci = ConsultationSessionFactory(site=ConsultationSiteFactory(commune_id="45252"), date=later)
    same_late = ConsultationSessionFactory(
        site=ConsultationSiteFactory(commune_id="45119"), date=later
    )
    same_soon = ConsultationSessionFactory(
        site=ConsultationSiteFactory(commune_id="45119"), date=soon
    )
    full = ConsultationSessionFactory(site=ConsultationSiteFactory(commune_id="45119"), capacity=1)
    services.session_book(
        by=UserFactory(coordinator=True), session_id=full.pk, referral_id=advanced().pk
    )
    ConsultationSessionFactory(status="draft", site=ConsultationSiteFactory(commune_id="45119"))
    ConsultationSessionFactory(
        site=ConsultationSiteFactory(commune_id="45119"),
        date=timezone.localdate() - timedelta(days=2),
    )

    offered = selectors.sessions_for_referral(referral)

    assert offered == [same_soon, same_late, epci, dept, far]
    assert [s.free for s in offered] == [2, 2, 2, 2, 2]


def test_booking_schedules_the_referral_with_the_sessions_specialist(session, coordinator):
    referral = advanced()

    appointment = services.session_book(
        by=coordinator, session_id=session.pk, referral_id=referral.pk
    )

    referral.refresh_from_db()
    assert referral.status == "scheduled"
    assert referral.specialist == session.specialist
    assert referral.appointment_at == session.starts_at == appointment.starts_at
    assert referral.appointment_location.startswith("MSP de Pithiviers, 2 rue de l'Hôpital")
    event = ReferralEvent.objects.get(referral=referral, to_status="scheduled")
    assert event.from_status == "triaged" and event.actor == coordinator
    assert "Consultation avancée le" in event.note
    assert Notification.objects.filter(recipient=session.specialist, kind="consultation").exists()
    assert Notification.objects.filter(
        recipient=referral.requester, kind="referral_scheduled"
    ).exists()
    # The second patient gets the next appointment; booking the first again changes nothing.
    second = services.session_book(by=coordinator, session_id=session.pk, referral_id=advanced().pk)
    assert second.starts_at == session.starts_at + timedelta(minutes=30)
    again = services.session_book(by=coordinator, session_id=session.pk, referral_id=referral.pk)
    assert again == appointment


def test_a_full_session_is_refused_and_nothing_changes(session, coordinator):
    for _ in range(2):
        services.session_book(by=coordinator, session_id=session.pk, referral_id=advanced().pk)
    late = advanced()

    with pytest.raises(services.SessionFull) as exc:
        services.session_book(by=coordinator, session_id=session.pk, referral_id=late.pk)

    assert "est complète" in str(exc.value)
    late.refresh_from_db()
    assert late.status == "triaged" and late.appointment_at is None
    assert Appointment.objects.filter(session=session).count() == 2


@pytest.mark.parametrize(
    "setup, error",
    [
        ("draft", TransitionNotAllowed),
        ("past", TransitionNotAllowed),
        ("other_specialty", ValidationError),
        ("submitted", TransitionNotAllowed),
        ("elsewhere", TransitionNotAllowed),
    ],
)
def test_illegal_bookings_are_refused(setup, error, session, coordinator):
    from ess.models import Specialty

    referral = advanced()
    if setup == "draft":
        session.status = "draft"
        session.save()
    elif setup == "past":
        session.starts_at -= timedelta(days=10)
        session.ends_at -= timedelta(days=10)
        session.save()
    elif setup == "other_specialty":
        referral.specialty = Specialty.objects.get_or_create(
            code="dermatologie", defaults={"label": "D"}
        )[0]
        referral.save()
    elif setup == "submitted":
        referral = ReferralFactory()
    elif setup == "elsewhere":
        services.session_book(
            by=coordinator, session_id=ConsultationSessionFactory().pk, referral_id=referral.pk
        )

    with pytest.raises(error):
        services.session_book(by=coordinator, session_id=session.pk, referral_id=referral.pk)

    assert not Appointment.objects.filter(session=session).exists()


@pytest.mark.parametrize("persona", ["specialist", "manager", "requester", "authority"])
def test_only_coordinators_book(persona, request, session):
    with pytest.raises(PermissionDenied):
        services.session_book(
            by=request.getfixturevalue(persona), session_id=session.pk, referral_id=advanced().pk
        )


@pytest.mark.parametrize("how", ["decline", "cancel", "reorient"])
def test_the_place_is_freed_when_the_case_leaves_the_appointment(how, session, coordinator):
    referral = advanced()
    services.session_book(by=coordinator, session_id=session.pk, referral_id=referral.pk)

    if how == "decline":
        referral_services.referral_decline(
            referral_id=referral.pk, by=session.specialist, reason="Indisponible"
        )
    elif how == "cancel":
        referral_services.referral_cancel(
            referral_id=referral.pk, by=referral.requester, reason="Vu ailleurs"
        )
    else:
        referral_services.referral_reorient(
            referral_id=referral.pk,
            by=coordinator,
            target="CHR d'Orléans",
            reason="Hospitalisation",
        )

    referral.refresh_from_db()
    assert not Appointment.objects.filter(referral=referral).exists()
    assert referral.appointment_at is None and referral.appointment_location == ""
    assert selectors.sessions_for_referral(advanced())[0].free == 2


def test_booking_into_a_session_frees_a_slot_held_before(session, coordinator):
    from referrals.booking.services import slot_book

    referral = ReferralFactory(triaged=True, response_mode="urgent_consultation")
    slot = SlotFactory(specialist=session.specialist)
    slot_book(slot_id=slot.pk, referral_id=referral.pk, by=coordinator)
    # Then the coordination decides on an advanced consultation instead.
    Referral.objects.filter(pk=referral.pk).update(response_mode="advanced_consultation")

    services.session_book(by=coordinator, session_id=session.pk, referral_id=referral.pk)

    slot.refresh_from_db()
    assert slot.booked == 0


# ---------------------------------------------------------------------------------------------
# The referral page
# ---------------------------------------------------------------------------------------------
def test_the_coordinator_sees_the_sessions_and_books_from_the_referral_page(
    session, coordinator, client_for
):
    referral = advanced()
    client = client_for(coordinator)

    page = client.get(reverse("referrals:detail", args=[referral.public_id]))
    assert "Consultations avancées avec des places" in page.text
    assert "MSP de Pithiviers" in page.text and "2 places libres" in page.text

    response = client.post(
        reverse("referrals:session_book", args=[referral.public_id]),
        {"session": session.public_id},
        follow=True,
    )

    assert "Rendez-vous fixé le" in response.text
    assert "Consultation avancée réservée" in response.text
    referral.refresh_from_db()
    assert referral.status == "scheduled"


def test_the_page_shows_the_service_error_when_full(session, coordinator, client_for):
    for _ in range(2):
        services.session_book(by=coordinator, session_id=session.pk, referral_id=advanced().pk)
    referral = advanced()

    response = client_for(coordinator).post(
        reverse("referrals:session_book", args=[referral.public_id]),
        {"session": session.public_id},
        follow=True,
    )

    assert "est complète : choisissez-en une autre" in response.text
    referral.refresh_from_db()
    assert referral.status == "triaged"


def test_a_specialist_cannot_book_from_the_page(session, client_for):
    referral = advanced()
    response = client_for(session.specialist).post(
        reverse("referrals:session_book", args=[referral.public_id]), {"session": session.public_id}
    )
    assert response.status_code in (403, 404)
    assert not Appointment.objects.exists()


def test_an_approved_swap_hands_the_booked_referrals_to_the_colleague(
    session, coordinator, manager
):
    from scheduling import services as scheduling_services

    booked = advanced()
    services.session_book(by=coordinator, session_id=session.pk, referral_id=booked.pk)
    elsewhere = advanced()
    services.session_book(
        by=coordinator, session_id=ConsultationSessionFactory().pk, referral_id=elsewhere.pk
    )
    colleague = UserFactory(specialist=True)
    swap = scheduling_services.swap_request(
        by=session.specialist, session_id=session.pk, replacement=colleague
    )

    scheduling_services.swap_decide(by=manager, swap_id=swap.pk, approve=True)

    booked.refresh_from_db()
    elsewhere.refresh_from_db()
    assert booked.specialist == colleague
    assert elsewhere.specialist != colleague


def test_a_referral_already_booked_is_told_its_own_appointment_time(session, coordinator):
    services.session_book(by=coordinator, session_id=session.pk, referral_id=advanced().pk)
    referral = advanced()
    appointment = services.session_book(
        by=coordinator, session_id=session.pk, referral_id=referral.pk
    )
    other = ConsultationSessionFactory(date=timezone.localdate() + timedelta(days=20))

    with pytest.raises(TransitionNotAllowed) as refused:
        services.session_book(by=coordinator, session_id=other.pk, referral_id=referral.pk)

    when = timezone.localtime(appointment.starts_at).strftime("%d/%m/%Y %H:%M")
    assert appointment.starts_at != session.starts_at
    assert f"a déjà rendez-vous le {when}" in str(refused.value)
