"""GET /api/v1/consultation-sessions/ (what the caller may see, filters, constant queries) and
POST .../{id}/book/ (coordinators; 409 when full or illegal, 404 for an invisible referral)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from referrals.booking import services
from scheduling.models import Appointment
from tests.factories import ConsultationSessionFactory, ConsultationSiteFactory, ReferralFactory

URL = "/api/v1/consultation-sessions/"


def advanced():
    return ReferralFactory(triaged=True, response_mode="advanced_consultation")


@pytest.fixture
def sessions(cardiology, specialist):
    mine_draft = ConsultationSessionFactory(specialist=specialist, status="draft")
    published = ConsultationSessionFactory()
    other_draft = ConsultationSessionFactory(status="draft")
    return {"mine_draft": mine_draft, "published": published, "other_draft": other_draft}


def ids(response):
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize(
    "persona, visible",
    [
        ("coordinator", {"mine_draft", "published", "other_draft"}),
        ("manager", {"mine_draft", "published", "other_draft"}),
        ("specialist", {"mine_draft", "published"}),
        ("other_specialist", {"published"}),
        ("requester", set()),
        ("authority", set()),
    ],
)
def test_the_list_is_limited_to_what_the_caller_may_see(
    persona, visible, request, sessions, api_client
):
    api_client.force_authenticate(request.getfixturevalue(persona))

    response = api_client.get(URL)

    assert response.status_code == 200
    assert ids(response) == {str(sessions[k].public_id) for k in visible}


def test_anonymous_callers_are_refused(api_client, sessions):
    assert api_client.get(URL).status_code in (401, 403)


def test_filters(api_client, coordinator, cardiology):
    gien = ConsultationSiteFactory(commune_id="45155")
    soon = ConsultationSessionFactory(site=gien)
    later = ConsultationSessionFactory(date=timezone.localdate() + timedelta(days=20))
    full = ConsultationSessionFactory(capacity=1)
    services.session_book(by=coordinator, session_id=full.pk, referral_id=advanced().pk)
    api_client.force_authenticate(coordinator)

    assert ids(api_client.get(URL, {"site": gien.public_id})) == {str(soon.public_id)}
    assert ids(
        api_client.get(URL, {"date_from": (timezone.localdate() + timedelta(days=10)).isoformat()})
    ) == {str(later.public_id)}
    assert str(full.public_id) not in ids(api_client.get(URL, {"has_free_places": "true"}))
    assert ids(api_client.get(URL, {"specialty": "dermatologie"})) == set()
    row = next(r for r in api_client.get(URL).json()["results"] if r["id"] == str(full.public_id))
    assert (row["booked"], row["free_places"]) == (1, 0)
    bad = api_client.get(URL, {"date_to": "demain"})
    assert bad.status_code == 400 and "AAAA-MM-JJ" in bad.json()["date_to"][0]


def test_the_list_runs_a_constant_number_of_queries(
    api_client, coordinator, cardiology, django_assert_max_num_queries
):
    for _ in range(3):
        ConsultationSessionFactory()
    api_client.force_authenticate(coordinator)
    with django_assert_max_num_queries(6) as few:
        api_client.get(URL)
    for _ in range(10):
        ConsultationSessionFactory()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert api_client.get(URL).json()["count"] == 13


def test_a_coordinator_books_through_the_api(api_client, coordinator, cardiology):
    session = ConsultationSessionFactory()
    referral = advanced()
    api_client.force_authenticate(coordinator)

    response = api_client.post(
        f"{URL}{session.public_id}/book/", {"referral": str(referral.public_id)}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["reference"] == referral.reference
    referral.refresh_from_db()
    assert referral.status == "scheduled"


def test_booking_a_full_session_is_a_conflict_with_the_same_message(
    api_client, coordinator, cardiology
):
    session = ConsultationSessionFactory(capacity=1)
    services.session_book(by=coordinator, session_id=session.pk, referral_id=advanced().pk)
    referral = advanced()
    api_client.force_authenticate(coordinator)

    response = api_client.post(
        f"{URL}{session.public_id}/book/", {"referral": str(referral.public_id)}, format="json"
    )

    assert response.status_code == 409
    assert "est complète : choisissez-en une autre" in response.json()["detail"]
    assert Appointment.objects.filter(referral=referral).count() == 0


def test_an_invisible_referral_is_404_and_a_specialist_gets_403(api_client, specialist, cardiology):
    session = ConsultationSessionFactory()
    referral = advanced()
    api_client.force_authenticate(specialist)  # the referral is offered to the cardiology pool

    response = api_client.post(
        f"{URL}{session.public_id}/book/", {"referral": str(referral.public_id)}, format="json"
    )
    assert response.status_code == 403

    referral.status = "submitted"
    referral.offered_to_pool = False
    referral.save()
    response = api_client.post(
        f"{URL}{session.public_id}/book/", {"referral": str(referral.public_id)}, format="json"
    )
    assert response.status_code == 404
    assert not Appointment.objects.exists()


def test_booking_an_invisible_session_is_404(api_client, requester, cardiology):
    session = ConsultationSessionFactory()
    api_client.force_authenticate(requester)
    response = api_client.post(
        f"{URL}{session.public_id}/book/", {"referral": str(advanced().public_id)}, format="json"
    )
    assert response.status_code == 404
