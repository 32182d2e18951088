"""The minutes of a télé-RCP as a PDF: title, date, participants and attendance, each case with
its question and decision; the patient named only for those who may see the case; printed reads
audited."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from ess.models import AuditEvent
from meetings import services
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


def pdf_text(response) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    # A long line may wrap: compare without the layout's spaces and breaks.
    return "".join(text.split())


def squeeze(text: str) -> str:
    return "".join(text.split())


def test_the_minutes_carry_the_attendance_the_questions_and_the_decisions(scene, client_for):
    meeting, on_referral, _on_pathway = scene.held_meeting_with_cases()
    contact = ContactFactory(name="Claire Martin")
    services.meeting_participant_add(meeting_id=meeting.pk, by=scene.organiser, contact=contact)
    organiser_seat = meeting.participants.get(user=scene.organiser)
    services.meeting_attendance_record(
        meeting_id=meeting.pk, by=scene.organiser, present=[organiser_seat.pk]
    )
    services.meeting_hold(meeting_id=meeting.pk, by=scene.organiser)
    services.meeting_case_decide(
        case_id=on_referral.pk, by=scene.organiser, decision="Introduire sacubitril-valsartan."
    )

    response = client_for(scene.organiser).get(
        reverse("meetings:minutes_pdf", args=[meeting.public_id])
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    text = pdf_text(response)
    for expected in (
        "Compte rendu de télé-RCP : RCP insuffisance cardiaque",
        scene.organiser.display_name,
        "Claire Martin",
        "Présent",
        "Absent",
        "Faut-il introduire un ARNI ?",
        "Introduire sacubitril-valsartan.",
        "Titration des bêtabloquants à poursuivre ?",
        "non rendue",
        scene.referral.reference,
        scene.referral.patient.display_name,
    ):
        assert squeeze(expected) in text, expected
    assert AuditEvent.objects.filter(actor=scene.organiser, action="print").count() == 3


def test_the_minutes_do_not_name_a_patient_the_reader_does_not_follow(scene, client_for, paramedic):
    meeting, *_ = scene.held_meeting_with_cases()
    services.meeting_participant_add(meeting_id=meeting.pk, by=scene.organiser, user=paramedic)

    response = client_for(paramedic).get(reverse("meetings:minutes_pdf", args=[meeting.public_id]))

    text = pdf_text(response)
    assert squeeze("Faut-il introduire un ARNI ?") in text
    assert squeeze(scene.referral.patient.birth_name) not in text.upper()
    assert squeeze("identité réservée") in text
