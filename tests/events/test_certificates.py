"""The certificate of attendance (PDF): for a confirmed registrant marked present, reached by
the registrant signed in, by whoever holds the registration's link, and by the management; 404
for anything else; each download audited without the link's secret."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from ess.models import AuditEvent, Team
from events.views.attendance import hours_label
from tests.factories import RegistrationFactory, TrainingFactory, UserFactory

pytestmark = pytest.mark.django_db


def pdf_text(response) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    return "".join(text.split())


def squeeze(text: str) -> str:
    return "".join(text.split())


@pytest.fixture
def attended():
    organiser = UserFactory(manager=True, first_name="Hélène", last_name="Directrice")
    speaker = UserFactory(specialist=True, first_name="Paul", last_name="Cardio")
    training = TrainingFactory(
        held=True,
        title="Soirée insuffisance cardiaque",
        starts_at=timezone.now() - timedelta(days=10),
        hours=Decimal("1.5"),
        organiser=organiser,
    )
    training.speakers.add(speaker)
    return RegistrationFactory(
        training=training,
        first_name="Julie",
        last_name="Infirmière",
        profession="infirmier",
        attended=True,
    )


def url(registration) -> str:
    return reverse("events:certificate", args=[registration.public_id])


def test_the_certificate_names_the_training_the_attendee_and_the_hours(attended, client):
    response = client.get(url(attended))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    text = pdf_text(response)
    for expected in (
        "Attestation de présence",
        "Julie Infirmière",
        "Infirmier·e (IDE)",
        "Soirée insuffisance cardiaque",
        "1,5 heure",
        "Paul Cardio",
        attended.training.place,
        "Hélène Directrice",
    ):
        assert squeeze(expected) in text, expected
    team = Team.current()
    if team:
        assert squeeze(team.name) in text


def test_the_registrant_and_the_management_reach_it_signed_in(attended, client_for, manager):
    owner = UserFactory(requester=True)
    attended.user = owner
    attended.save(update_fields=["user"])

    assert client_for(owner).get(url(attended)).status_code == 200
    assert client_for(manager).get(url(attended)).status_code == 200


def test_each_download_is_audited_without_the_link(attended, client):
    client.get(url(attended))

    event = AuditEvent.objects.get(action="download")
    assert event.object_id == str(attended.training.public_id)
    assert str(attended.public_id) not in event.path


@pytest.mark.parametrize(
    "state",
    [
        {"attended": False},
        {"attended": None},
        {"status": "waitlisted", "waitlisted_at": timezone.now(), "confirmed_at": None},
        {"status": "pending", "confirmed_at": None},
    ],
)
def test_no_certificate_without_a_confirmed_attendance(state, client_for, manager):
    registration = RegistrationFactory(
        training=TrainingFactory(held=True, starts_at=timezone.now() - timedelta(days=3)),
        **state,
    )

    response = client_for(manager).get(url(registration))

    assert response.status_code == 404


@pytest.mark.parametrize(
    "training",
    [
        {"status": "cancelled", "cancel_reason": "Salle indisponible"},
        {"starts_at": timezone.now() + timedelta(hours=2)},  # marked present ahead of time
    ],
    ids=["cancelled", "not-begun"],
)
def test_no_certificate_for_a_training_that_did_not_take_place(training, client_for, manager):
    registration = RegistrationFactory(training=TrainingFactory(**training), attended=True)
    gp = client_for(registration.user or manager)

    response = client_for(manager).get(url(registration))
    own_page = gp.get(reverse("events:registration", args=[registration.public_id]))

    assert response.status_code == 404
    assert url(registration) not in own_page.text


def test_my_trainings_offers_the_certificate_once_the_training_took_place(attended, client_for):
    registrant = UserFactory(requester=True, email=attended.email)

    page = client_for(registrant).get(reverse("events:my_registrations")).text

    assert url(attended) in page


def test_an_unknown_registration_has_no_certificate(client):
    response = client.get(
        reverse("events:certificate", args=["00000000-0000-4000-8000-000000000000"])
    )

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("hours", "label"),
    [
        ("2", "2 heures"),
        ("1.5", "1,5 heure"),
        ("1", "1 heure"),
        ("0.5", "0,5 heure"),
        ("7.5", "7,5 heures"),
    ],
)
def test_hours_read_in_french(hours, label):
    assert hours_label(Decimal(hours)) == label
