"""A training's attendance: ticked on a phone by its managers or speakers from its first day
on, one box per confirmed registrant; the printed sign-in sheet."""

import io
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from ess.errors import Conflict
from ess.models import AuditEvent
from events.models import Registration
from events.services.attendance import attendance_record
from tests.factories import RegistrationFactory, TrainingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def today_training(specialist):
    """A training that began an hour ago, `specialist` speaking, two confirmed registrants, one
    on the waiting list."""
    training = TrainingFactory(starts_at=timezone.now() - timedelta(hours=1))
    training.speakers.add(specialist)
    RegistrationFactory(training=training, first_name="Alice", last_name="Arnaud")
    RegistrationFactory(training=training, first_name="Bruno", last_name="Bernard")
    RegistrationFactory(training=training, waitlisted=True, first_name="Chloé", last_name="Cas")
    return training


def confirmed(training, last_name) -> Registration:
    return training.registrations.get(last_name=last_name)


def url(training) -> str:
    return reverse("events:attendance", args=[training.public_id])


# --- The service ------------------------------------------------------------------------------
def test_the_ticked_are_present_and_the_others_absent(today_training, specialist):
    alice = confirmed(today_training, "Arnaud")

    attendance_record(training_id=today_training.pk, present_ids=[alice.pk], by=specialist)

    states = dict(today_training.registrations.values_list("last_name", "attended"))
    assert states == {"Arnaud": True, "Bernard": False, "Cas": None}


def test_recording_again_replaces_the_ticks(today_training, manager):
    alice = confirmed(today_training, "Arnaud")
    bruno = confirmed(today_training, "Bernard")
    attendance_record(training_id=today_training.pk, present_ids=[alice.pk], by=manager)

    attendance_record(training_id=today_training.pk, present_ids=[bruno.pk], by=manager)

    alice.refresh_from_db()
    bruno.refresh_from_db()
    assert (alice.attended, bruno.attended) == (False, True)


def test_someone_on_the_waiting_list_cannot_be_ticked(today_training, manager):
    waiting = today_training.registrations.get(last_name="Cas")

    with pytest.raises(ValidationError):
        attendance_record(training_id=today_training.pk, present_ids=[waiting.pk], by=manager)

    assert not today_training.registrations.filter(attended__isnull=False).exists()


def test_attendance_waits_for_the_training_day(manager):
    training = TrainingFactory(starts_at=timezone.now() + timedelta(days=3))
    registration = RegistrationFactory(training=training)

    with pytest.raises(Conflict) as refused:
        attendance_record(training_id=training.pk, present_ids=[registration.pk], by=manager)

    assert "pas encore commencé" in str(refused.value)
    registration.refresh_from_db()
    assert registration.attended is None


def test_a_cancelled_training_takes_no_attendance(manager):
    training = TrainingFactory(cancelled=True, starts_at=timezone.now() - timedelta(hours=1))

    with pytest.raises(Conflict):
        attendance_record(training_id=training.pk, present_ids=[], by=manager)


def test_only_the_management_and_the_speakers_take_attendance(today_training, other_specialist):
    with pytest.raises(PermissionDenied):
        attendance_record(training_id=today_training.pk, present_ids=[], by=other_specialist)


# --- The page ---------------------------------------------------------------------------------
def test_the_speaker_ticks_the_attendees_on_the_page(today_training, specialist, client_for):
    client = client_for(specialist)
    page = client.get(url(today_training))
    alice = confirmed(today_training, "Arnaud")

    response = client.post(url(today_training), {"present": [str(alice.pk)]}, follow=True)

    assert page.status_code == 200
    assert "ARNAUD Alice" in page.text and "BERNARD Bruno" in page.text
    assert "CAS" not in page.text  # on the waiting list: no place, no box
    assert page.text.count('name="present"') == 2
    assert "Présences enregistrées." in response.text
    alice.refresh_from_db()
    assert alice.attended is True
    assert confirmed(today_training, "Bernard").attended is False


def test_before_the_training_day_the_page_says_when(manager, client_for):
    training = TrainingFactory(starts_at=timezone.now() + timedelta(days=3))
    registration = RegistrationFactory(training=training)
    client = client_for(manager)

    page = client.get(url(training))
    response = client.post(url(training), {"present": [str(registration.pk)]}, follow=True)

    assert "les présences se notent à partir du" in page.text
    assert "Enregistrer les présences" not in page.text
    assert " disabled" in page.text
    assert "pas encore commencé" in response.text
    registration.refresh_from_db()
    assert registration.attended is None


def test_another_specialist_never_finds_the_attendance(
    today_training, other_specialist, client_for
):
    client = client_for(other_specialist)
    alice = confirmed(today_training, "Arnaud")

    assert client.get(url(today_training)).status_code == 404
    assert client.post(url(today_training), {"present": [str(alice.pk)]}).status_code == 404
    alice.refresh_from_db()
    assert alice.attended is None


def test_a_speaker_reaches_the_attendance_from_their_trainings_and_the_training_page(
    today_training, specialist, client_for
):
    client = client_for(specialist)
    cancelled = TrainingFactory(
        title="Annulée entre-temps", status="cancelled", cancel_reason="Salle"
    )
    cancelled.speakers.add(specialist)

    mine = client.get(reverse("events:my_registrations"))
    detail = client.get(reverse("events:detail", args=[today_training.public_id]))

    assert "Mes interventions" in mine.text
    assert today_training.title in mine.text and url(today_training) in mine.text
    assert "Annulée entre-temps" not in mine.text
    assert url(today_training) in detail.text


def test_nobody_else_is_shown_the_way_to_the_attendance(
    today_training, other_specialist, client_for
):
    client = client_for(other_specialist)

    mine = client.get(reverse("events:my_registrations"))
    detail = client.get(reverse("events:detail", args=[today_training.public_id]))

    assert "Mes interventions" not in mine.text
    assert url(today_training) not in detail.text


# --- The sign-in sheet ------------------------------------------------------------------------
def test_the_sign_in_sheet_lists_the_confirmed_registrants(today_training, specialist, client_for):
    response = client_for(specialist).get(
        reverse("events:attendance_sheet", args=[today_training.public_id])
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = "".join("".join(page.extract_text() for page in reader.pages).split())
    for expected in (
        "Feuilled'émargement",
        today_training.title.replace(" ", ""),
        "ARNAUDAlice",
        "BERNARDBruno",
        "Signature",
        "2heures",
    ):
        assert expected in text
    assert "Chloé" not in text
    assert AuditEvent.objects.filter(action="print", object_id=str(today_training.public_id))


def test_the_sign_in_sheet_is_not_for_other_specialists(
    today_training, other_specialist, client_for
):
    response = client_for(other_specialist).get(
        reverse("events:attendance_sheet", args=[today_training.public_id])
    )

    assert response.status_code == 404
