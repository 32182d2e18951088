"""A transaction Bundle carries its documents in base64: it may be larger than other request
bodies, up to a bound derived from the documents' limits; beyond, a French OperationOutcome 413,
never Django's HTML page."""

import io

import pytest
from django.conf import settings as django_settings
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.operationoutcome import OperationOutcome
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject

from interop.platforms import register_platform
from referrals.models import Attachment, Referral
from tests.factories import UserFactory, valid_rpps
from tests.interop.teleexpertise_bundle import as_json, teleexpertise_bundle

pytestmark = pytest.mark.django_db

RPPS = valid_rpps("1000000010")


def pdf_of(size: int) -> bytes:
    """A real one-page PDF of about `size` bytes (an uncompressed page content)."""
    writer = PdfWriter()
    page = writer.add_blank_page(200, 200)
    content = DecodedStreamObject()
    content.set_data(b"% trace ECG\n" * (size // 12))
    page.replace_contents(content)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture
def token(cardiology):
    UserFactory(requester=True, rpps=RPPS)
    return register_platform(name="Plateforme régionale", scopes=["teleexpertise"])[1]


def post(client, token, body: str, content_type="application/fhir+json"):
    return client.post(
        "/fhir/", data=body, content_type=content_type, HTTP_AUTHORIZATION=f"Bearer {token}"
    )


@pytest.mark.parametrize("content_type", ["application/fhir+json", "application/json"])
def test_a_bundle_larger_than_other_bodies_is_accepted_with_its_document(
    client, token, content_type
):
    pdf = pdf_of(4_400_000)
    body = as_json(teleexpertise_bundle(rpps=RPPS, pdf=pdf))
    assert len(body) > django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE

    response = post(client, token, body, content_type)

    assert response.status_code == 200, response.content[:500]
    assert Bundle.model_validate_json(response.content).entry[0].response.status == "201 Created"
    assert Referral.objects.get().attachments.get().file.size == len(pdf)


def test_a_bundle_over_its_bound_is_a_413_operation_outcome(client, token, settings):
    settings.ESS_FHIR_BUNDLE_MAX_BYTES = 1024 * 1024
    body = as_json(teleexpertise_bundle(rpps=RPPS, pdf=pdf_of(1_200_000)))

    response = post(client, token, body)

    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/fhir+json")
    issue = OperationOutcome.model_validate_json(response.content).issue[0]
    assert issue.code == "too-long"
    assert issue.diagnostics == (
        "La requête dépasse la taille acceptée (1,0\xa0Mio au plus) : elle a été refusée."
    )
    assert not Referral.all_objects.exists() and not Attachment.objects.exists()


def test_the_default_bound_holds_the_documents_of_one_referral_in_base64():
    # Every Bundle whose documents pass the per-referral limit can be read.
    documents = django_settings.ESS_REFERRAL_ATTACHMENTS_MAX_BYTES
    assert documents * 4 / 3 + 100_000 < django_settings.ESS_FHIR_BUNDLE_MAX_BYTES
    assert documents * 2 > django_settings.ESS_FHIR_BUNDLE_MAX_BYTES
