"""The specialist's private calendar feed: parsed back, right UTC times, no patient names,
revoked URL refused."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from icalendar import Calendar

from referrals.booking.services import session_book
from scheduling import services
from scheduling.models import CalendarFeed
from tests.factories import ConsultationSessionFactory, ReferralFactory


@pytest.fixture
def booked(cardiology, coordinator):
    # Summer time: 9:00 in Paris is 7:00 UTC.
    day = datetime(2027, 6, 15).date()
    session = ConsultationSessionFactory(date=day)
    referral = ReferralFactory(triaged=True, response_mode="advanced_consultation")
    session_book(by=coordinator, session_id=session.pk, referral_id=referral.pk)
    return session, referral


def feed(client, token):
    return client.get(reverse("scheduling:consultation_ical", args=[token]))


def test_the_feed_lists_sessions_and_appointments_without_patient_names(booked, client):
    session, referral = booked
    token = services.calendar_feed_regenerate(by=session.specialist)

    response = feed(client, token)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    session_event = events[next(u for u in events if u.startswith(f"session-{session.public_id}"))]
    assert session_event.decoded("dtstart") == datetime(2027, 6, 15, 7, 0, tzinfo=UTC)
    assert session_event.decoded("dtend") == datetime(2027, 6, 15, 9, 0, tzinfo=UTC)
    assert "2 rue de l'Hôpital" in str(session_event["location"])
    appointment = next(e for u, e in events.items() if u.startswith("rdv-"))
    assert str(appointment["summary"]) == f"RDV {referral.reference}"
    assert appointment.decoded("dtend") - appointment.decoded("dtstart") == timedelta(minutes=30)
    text = response.content.decode()
    assert referral.patient.birth_name.upper() not in text.upper()
    assert referral.patient.first_names.upper() not in text.upper()


def test_only_a_hash_is_stored_and_regenerating_revokes_the_old_url(booked, client):
    session, _ = booked
    old = services.calendar_feed_regenerate(by=session.specialist)
    assert not CalendarFeed.objects.filter(key_hash=old).exists()

    new = services.calendar_feed_regenerate(by=session.specialist)

    assert feed(client, old).status_code == 404
    assert feed(client, new).status_code == 200
    services.calendar_feed_revoke(by=session.specialist)
    assert feed(client, new).status_code == 404
    assert feed(client, "nimportequoi").status_code == 404


def test_another_specialists_feed_does_not_show_my_sessions(booked, client, other_specialist):
    token = services.calendar_feed_regenerate(by=other_specialist)
    calendar = Calendar.from_ical(feed(client, token).content)
    assert list(calendar.walk("VEVENT")) == []


def test_regenerating_from_the_page_shows_the_url_once(booked, client_for):
    session, _ = booked
    response = client_for(session.specialist).post(
        reverse("scheduling:consultation_ical_regenerate")
    )
    assert response.status_code == 200
    assert "/consultations-avancees/ical/" in response.text
    assert CalendarFeed.objects.filter(user=session.specialist, revoked_at=None).count() == 1


def test_revoking_from_the_page_stops_the_feed(booked, client_for, client):
    session, _ = booked
    token = services.calendar_feed_regenerate(by=session.specialist)
    page = client_for(session.specialist)

    response = page.post(reverse("scheduling:consultation_ical_revoke"), follow=True)

    assert "Adresse d&#x27;agenda révoquée." in response.text
    assert feed(client, token).status_code == 404
    assert not CalendarFeed.objects.filter(user=session.specialist, revoked_at=None).exists()
