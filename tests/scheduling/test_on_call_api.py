"""GET /api/v1/on-call-shifts/: what the caller may see (staff the published shifts, managers
the drafts too), with who is on call by rank, filters, constant queries."""

from datetime import datetime, time

import pytest
from django.utils import timezone

from scheduling.models import OnCallDuty, OnCallShift
from tests.factories import UserFactory

URL = "/api/v1/on-call-shifts/"


def at(day: int, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(datetime(2027, 1, day).date(), time(hour)))


@pytest.fixture
def shifts(cardiology, specialist):
    published = OnCallShift.objects.create(
        specialty=cardiology, starts_at=at(11, 8), ends_at=at(11, 13)
    )
    OnCallDuty.objects.create(shift=published, specialist=specialist, rank=1)
    draft = OnCallShift.objects.create(
        specialty=cardiology, starts_at=at(12, 8), ends_at=at(12, 13), status="draft"
    )
    return {"published": published, "draft": draft}


def ids(response):
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize(
    "persona, visible",
    [
        ("manager", {"published", "draft"}),
        ("coordinator", {"published"}),
        ("specialist", {"published"}),
        ("requester", set()),
        ("authority", set()),
        ("paramedic", set()),
    ],
)
def test_the_list_is_limited_to_what_the_caller_may_see(
    persona, visible, request, shifts, api_client
):
    api_client.force_authenticate(request.getfixturevalue(persona))

    response = api_client.get(URL)

    assert response.status_code == 200
    assert ids(response) == {str(shifts[k].public_id) for k in visible}


def test_a_shift_says_who_is_called_by_rank(api_client, coordinator, shifts, specialist):
    api_client.force_authenticate(coordinator)
    shift = shifts["published"]

    body = api_client.get(f"{URL}{shift.public_id}/").json()

    assert body["specialty"] == "cardiologie"
    assert body["duties"] == [
        {
            "rank": 1,
            "specialist": {"id": str(specialist.public_id), "name": specialist.display_name},
        }
    ]
    assert api_client.get(f"{URL}{shifts['draft'].public_id}/").status_code == 404
    assert ids(api_client.get(URL, {"date_from": "2027-01-12"})) == set()
    assert ids(api_client.get(URL, {"specialty": "pneumologie"})) == set()
    assert api_client.get(URL, {"date_from": "12/01/2027"}).status_code == 400


def test_the_list_costs_the_same_for_more_shifts(
    api_client, manager, cardiology, django_assert_max_num_queries
):
    api_client.force_authenticate(manager)
    for day in (11, 12):
        shift = OnCallShift.objects.create(
            specialty=cardiology, starts_at=at(day, 8), ends_at=at(day, 13)
        )
        OnCallDuty.objects.create(shift=shift, specialist=UserFactory(specialist=True))
    with django_assert_max_num_queries(12) as few:
        api_client.get(URL)
    for day in (13, 14, 15):
        shift = OnCallShift.objects.create(
            specialty=cardiology, starts_at=at(day, 8), ends_at=at(day, 13)
        )
        OnCallDuty.objects.create(shift=shift, specialist=UserFactory(specialist=True), rank=2)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(api_client.get(URL).json()["results"]) == 5
