"""The member decides what the SAS sees: a slot or a session's free places are opened to it from
their pages, closed the same way, and nobody else may do it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from interop.platforms import register_platform
from scheduling.models import AvailabilitySlot
from tests.factories import ConsultationSessionFactory, SlotFactory, UserFactory, valid_rpps

pytestmark = pytest.mark.django_db

PAGE = reverse("scheduling:availability")


@pytest.fixture
def doctor(territory):
    return UserFactory(specialist=True, rpps=valid_rpps("1000000042"))


@pytest.fixture
def sas_sees(client):
    _, token = register_platform(name="SAS", scopes=["slots"])

    def ids() -> list[str]:
        response = client.get("/fhir/Slot", HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code == 200
        return [e["resource"]["id"] for e in response.json().get("entry", [])]

    return ids


def publish(client, **overrides):
    day = timezone.localdate() + timedelta(days=2)
    return client.post(
        PAGE,
        {
            "slot-day": day.isoformat(),
            "slot-start": "14:00",
            "slot-end": "15:00",
            "slot-place": "Cabinet, 12 rue Bannier, Orléans",
            "slot-capacity": "1",
            "slot-weeks": "2",
            **overrides,
        },
    )


def test_a_slot_is_closed_to_the_sas_unless_the_specialist_opens_it(client_for, doctor, sas_sees):
    client = client_for(doctor)

    publish(client)
    assert AvailabilitySlot.objects.count() == 2
    assert sas_sees() == []

    publish(client, **{"slot-sas_open": "on", "slot-start": "16:00", "slot-end": "17:00"})
    opened = AvailabilitySlot.objects.filter(sas_open=True).order_by("starts_at")
    assert opened.count() == 2  # the weekly series carries the choice
    assert sas_sees() == [str(opened[0].public_id)]  # the second week is beyond the 7 days


def test_the_specialist_opens_and_closes_a_published_slot_from_the_page(
    client_for, doctor, sas_sees
):
    client = client_for(doctor)
    publish(client, **{"slot-weeks": "3"})
    first = AvailabilitySlot.objects.order_by("starts_at").first()
    url = reverse("scheduling:slot_sas", args=[first.public_id])

    page = client.get(PAGE).text
    assert url in page and "Ouvrir au SAS" in page

    client.post(url, {"sas_open": "1"})
    assert AvailabilitySlot.objects.filter(sas_open=True).count() == 3
    assert sas_sees() == [str(first.public_id)]
    assert "Fermer au SAS" in client.get(PAGE).text

    client.post(url, {"sas_open": "0"})
    assert sas_sees() == []


def test_nobody_else_opens_a_specialists_slot(client_for, doctor, sas_sees):
    slot = SlotFactory(specialist=doctor)
    other = UserFactory(specialist=True)

    response = client_for(other).post(
        reverse("scheduling:slot_sas", args=[slot.public_id]), {"sas_open": "1"}
    )

    assert response.status_code == 404
    slot.refresh_from_db()
    assert not slot.sas_open


def test_the_specialist_opens_a_sessions_free_places(client_for, doctor, sas_sees):
    session = ConsultationSessionFactory(specialist=doctor)
    url = reverse("scheduling:consultation_session_sas", args=[session.public_id])
    client = client_for(doctor)
    assert url in client.get(reverse("scheduling:consultations")).text
    assert sas_sees() == []

    client.post(url, {"sas_open": "1"})

    hex_id = session.public_id.hex
    assert sas_sees() == [f"{hex_id}-0", f"{hex_id}-1"]
    client.post(url, {"sas_open": "0"})
    assert sas_sees() == []


def test_another_specialist_cannot_open_a_session(client_for, doctor, sas_sees):
    session = ConsultationSessionFactory(specialist=doctor)

    response = client_for(UserFactory(specialist=True)).post(
        reverse("scheduling:consultation_session_sas", args=[session.public_id]),
        {"sas_open": "1"},
    )

    assert response.status_code == 404
    session.refresh_from_db()
    assert not session.sas_open


def test_a_session_handed_over_is_closed_until_the_colleague_opens_it(
    client_for, doctor, sas_sees, manager
):
    session = ConsultationSessionFactory(specialist=doctor, sas_open=True)
    colleague = UserFactory(specialist=True, rpps=valid_rpps("1000000043"))
    assert len(sas_sees()) == 2

    client_for(doctor).post(
        reverse("scheduling:consultation_swap_request", args=[session.public_id]),
        {"replacement": colleague.pk, "reason": "Congrès"},
    )
    client_for(manager).post(
        reverse(
            "scheduling:consultation_swap_decide",
            args=[session.swap_requests.get().public_id, "accepter"],
        )
    )

    session.refresh_from_db()
    assert session.specialist == colleague
    assert sas_sees() == []
