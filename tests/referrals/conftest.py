import io
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ess.models import Commune
from referrals.services import PatientInput, ReferralInput
from scheduling.models import OnCallDuty, OnCallShift
from tests.factories import UserFactory, cardiology_offered, valid_nir

NIR = valid_nir("2690549588157")  # a woman born in May 1969
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n"
    b"0000000101 00000 n \ntrailer<</Size 4/Root 1 0 R>>\nstartxref\n166\n%%EOF\n"
)


def png_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return buffer.getvalue()


def pdf_upload(name="ecg.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


@pytest.fixture
def cardiology(db):
    return cardiology_offered()


@pytest.fixture
def form_data(cardiology):
    return {
        "ins": NIR,
        "birth_name": "Durand",
        "first_names": "Jeanne Marie",
        "sex": "F",
        "birth_date": "1969-05-12",
        "birth_place_code": "",
        "commune": "45234 — Orléans (45000)",
        "phone": "06 12 34 56 78",
        "gp_name": "Dr Martin",
        "specialty": "cardiologie",
        "question": "Palpitations à l'effort depuis 3 semaines : avis sur la conduite à tenir ?",
        "context": "HTA traitée par amlodipine. ECG joint.",
        "urgency": "P2",
        "preferred_response": "opinion",
        "callback_availability": "12h-14h",
        "referring_gp_name": "",
        "consent": "on",
        "submission_key": "a" * 32,
    }


@pytest.fixture
def api_body(cardiology):
    return {
        "patient": {
            "ins": NIR,
            "birth_name": "Durand",
            "first_names": "Jeanne Marie",
            "sex": "F",
            "birth_date": "1969-05-12",
            "commune": "45234",
            "phone": "0612345678",
        },
        "specialty": "cardiologie",
        "question": "Palpitations à l'effort : avis ?",
        "context": "HTA traitée.",
        "urgency": "P2",
        "consent": True,
    }


@pytest.fixture
def on_call(cardiology):
    """A cardiology shift running now: the first on call, then the backup, with their mobiles."""
    first = UserFactory(specialist=True, phone="06 11 22 33 44", last_name="Garde")
    backup = UserFactory(specialist=True, phone="06 55 66 77 88", last_name="Renfort")
    now = timezone.now()
    shift = OnCallShift.objects.create(
        specialty=cardiology, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=4)
    )
    OnCallDuty.objects.create(shift=shift, specialist=first, rank=1)
    OnCallDuty.objects.create(shift=shift, specialist=backup, rank=2)
    return SimpleNamespace(shift=shift, first=first, backup=backup, specialty=cardiology)


def immediate_input(specialty, **changes) -> ReferralInput:
    """What the immediate-opinion form gives the service: the patient, the question."""
    return ReferralInput(
        patient=PatientInput(
            ins=NIR,
            birth_name="Durand",
            first_names="Jeanne Marie",
            sex="F",
            birth_date=date(1969, 5, 12),
            commune=Commune.objects.get(code="45234"),
        ),
        specialty=specialty,
        question=changes.pop("question", "Douleur thoracique atypique, ECG limite : avis ?"),
        urgency="P1",
        consent=True,
        **changes,
    )
