import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.referrals.conftest import PDF_BYTES, png_bytes


def signed_pdf(name="convention-signee.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def png_upload(name="scan.png"):
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


@pytest.fixture
def personas(db, requester, coordinator, specialist, paramedic, manager, authority):
    from django.contrib.auth.models import AnonymousUser

    return {
        "requester": requester,
        "coordinator": coordinator,
        "specialist": specialist,
        "paramedic": paramedic,
        "manager": manager,
        "authority": authority,
        "anonymous": AnonymousUser(),
    }


@pytest.fixture(autouse=True)
def _partner_reference_data(db):
    """Partner types and convention kinds come from a migration; a transactional test elsewhere
    may have emptied the tables."""
    from partners.models import PartnerType
    from partners.reference import reference_data_load

    if not PartnerType.objects.exists():
        reference_data_load()
