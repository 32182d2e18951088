"""A specialist who was offered a case and accepts it after a colleague: 409 "déjà prise en charge
par un confrère", not 404. Anyone the case was never offered to keeps the 404."""

import threading

import pytest
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from ess.models import Specialty
from referrals.models import Referral
from tests.factories import (
    ConsultationSessionFactory,
    ConsultationSiteFactory,
    ReferralFactory,
    UserFactory,
)

TAKEN = "Cette demande a déjà été prise en charge par un confrère"


def accept_url(referral) -> str:
    return f"/api/v1/referrals/{referral.public_id}/accept/"


def accept_by_api(user, referral):
    client = APIClient()
    client.force_authenticate(user)
    return client.post(accept_url(referral))


def test_a_pool_colleague_accepting_after_the_winner_gets_409(specialist, other_specialist):
    referral = ReferralFactory(triaged=True)  # offered to the cardiology pool
    assert accept_by_api(specialist, referral).status_code == 200

    late = accept_by_api(other_specialist, referral)

    assert late.status_code == 409
    assert late.json()["detail"] == f"{TAKEN} : {specialist.display_name}."
    referral.refresh_from_db()
    assert (referral.status, referral.specialist) == ("accepted", specialist)
    assert referral.events.filter(to_status="accepted").count() == 1


def test_the_named_specialist_is_told_too_when_the_case_was_booked_meanwhile(
    specialist, coordinator, cardiology
):
    """Taken straight from the offer by a booking into an advanced consultation."""
    from referrals.booking.services import session_book

    session = ConsultationSessionFactory(site=ConsultationSiteFactory())
    referral = ReferralFactory(
        triaged=True,
        response_mode="advanced_consultation",
        offered_to=specialist,
        offered_to_pool=False,
    )
    session_book(by=coordinator, session_id=session.pk, referral_id=referral.pk)

    late = accept_by_api(specialist, referral)

    assert late.status_code == 409
    assert TAKEN in late.json()["detail"]


@pytest.mark.parametrize("who", ["other_cardiologist", "dermatologist", "requester"])
def test_those_it_was_never_offered_to_keep_the_404(request, specialist, who):
    referral = ReferralFactory(triaged=True, offered_to=specialist, offered_to_pool=False)
    assert accept_by_api(specialist, referral).status_code == 200
    if who == "other_cardiologist":
        outsider = UserFactory(specialist=True)
    elif who == "dermatologist":
        dermatology = Specialty.objects.get_or_create(
            code="dermatologie", defaults={"label": "Dermatologie"}
        )[0]
        outsider = UserFactory(specialist=True, specialty=dermatology)
    else:
        outsider = request.getfixturevalue("requester")

    response = accept_by_api(outsider, referral)

    assert response.status_code == 404
    assert specialist.last_name not in response.content.decode()


def test_a_pool_colleague_keeps_the_404_once_the_case_went_back_and_was_offered_elsewhere(
    specialist, other_specialist, coordinator
):
    from referrals import services

    referral = ReferralFactory(triaged=True)
    services.referral_accept(referral_id=referral.pk, by=specialist)
    services.referral_decline(referral_id=referral.pk, by=specialist, reason="Absent")
    named = UserFactory(specialist=True)
    services.referral_triage(
        referral_id=referral.pk,
        by=coordinator,
        priority="P2",
        response_mode="teleexpertise_async",
        specialist=named,
    )
    services.referral_accept(referral_id=referral.pk, by=named)

    assert accept_by_api(other_specialist, referral).status_code == 404


def test_on_the_web_the_late_colleague_is_sent_back_to_the_inbox_with_the_reason(
    client_for, specialist, other_specialist
):
    referral = ReferralFactory(triaged=True)
    client_for(specialist).post(reverse("referrals:accept", args=[referral.public_id]))

    response = client_for(other_specialist).post(
        reverse("referrals:accept", args=[referral.public_id]), follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("referrals:inbox")
    assert TAKEN in response.text
    referral.refresh_from_db()
    assert referral.specialist == specialist


def test_a_malformed_id_is_a_404(api_client, specialist):
    api_client.force_authenticate(specialist)

    assert api_client.post("/api/v1/referrals/not-a-uuid/accept/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_in_a_real_race_by_api_the_losers_get_409_never_404(postgres, territory):
    contenders = [UserFactory(specialist=True) for _ in range(4)]
    for _ in range(5):
        referral = ReferralFactory(triaged=True)
        barrier = threading.Barrier(len(contenders))
        codes: list[int] = []
        lock = threading.Lock()

        def contend(user, referral=referral, barrier=barrier, codes=codes, lock=lock):
            client = APIClient()
            client.force_authenticate(user)
            try:
                barrier.wait()
                code = client.post(accept_url(referral)).status_code
            finally:
                connection.close()
            with lock:
                codes.append(code)

        threads = [threading.Thread(target=contend, args=(u,)) for u in contenders]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

        assert sorted(codes) == [200, 409, 409, 409]
        referral.refresh_from_db()
        assert referral.status == "accepted"
        assert referral.specialist in contenders
    assert Referral.objects.filter(status="accepted").count() == 5
