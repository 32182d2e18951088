"""The printable day sheet: patients' names for the session's specialist, coordinators and
managers only; every view audited."""

from datetime import date

import pytest
from django.urls import reverse

from ess.models import AuditEvent
from referrals.booking import services
from tests.factories import ConsultationSessionFactory, ReferralFactory


@pytest.fixture
def booked(cardiology, coordinator):
    session = ConsultationSessionFactory()
    referral = ReferralFactory(triaged=True, response_mode="advanced_consultation")
    services.session_book(by=coordinator, session_id=session.pk, referral_id=referral.pk)
    return session, referral


def url(session):
    return reverse("scheduling:consultation_day_sheet", args=[session.public_id])


@pytest.mark.parametrize("persona", ["session_specialist", "coordinator", "manager"])
def test_allowed_people_see_names_and_the_view_is_audited(persona, request, booked, client_for):
    session, referral = booked
    user = (
        session.specialist if persona == "session_specialist" else request.getfixturevalue(persona)
    )

    response = client_for(user).get(url(session))

    assert response.status_code == 200
    assert referral.patient.display_name in response.text
    assert referral.patient.birth_date.strftime("%d/%m/%Y") in response.text
    assert referral.reference in response.text
    assert AuditEvent.objects.filter(actor=user, object_id=str(session.public_id)).exists()
    assert AuditEvent.objects.filter(actor=user, object_label=referral.reference).exists()


@pytest.mark.parametrize("persona", ["other_specialist", "requester", "authority", "paramedic"])
def test_others_are_refused_without_learning_anything(persona, request, booked, client_for):
    session, _ = booked
    user = request.getfixturevalue(persona)

    response = client_for(user).get(url(session))

    assert response.status_code == 404
    # The attempt is in the trail as refused; no patient of the sheet is recorded as read.
    assert not AuditEvent.objects.filter(actor=user, outcome="allowed").exists()


def test_anonymous_is_sent_to_sign_in(booked, client):
    session, _ = booked
    assert client.get(url(session)).status_code == 302


def test_the_pdf_lists_the_patients_and_is_audited_as_printed(booked, client_for, coordinator):
    import io

    from pypdf import PdfReader

    session, referral = booked
    response = client_for(coordinator).get(url(session) + "?format=pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    # A long name may wrap in its table cell: compare without the layout's spaces and breaks.
    assert "".join(referral.patient.display_name.split()) in "".join(text.split())
    assert referral.reference in text
    assert AuditEvent.objects.filter(actor=coordinator, action="print").count() == 2


def test_the_pdf_is_refused_like_the_page(booked, client_for, other_specialist):
    session, _ = booked
    response = client_for(other_specialist).get(url(session) + "?format=pdf")
    assert response.status_code == 404


def test_the_sheet_writes_its_day_the_french_way(cardiology, client_for, coordinator):
    session = ConsultationSessionFactory(date=date(2027, 3, 2))

    page = client_for(coordinator).get(url(session)).text

    assert "mardi 2 mars 2027" in page
