"""Convention documents: checked by content, versioned, downloadable only by allowed roles, each
download written to the audit trail."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from ess.models import AuditEvent
from partners import services
from partners.models import ConventionDocument
from partners.permissions import can_download_convention_document
from tests.factories import ConventionFactory, UserFactory
from tests.partners.conftest import signed_pdf
from tests.referrals.conftest import PDF_BYTES


def test_versions_are_numbered_per_convention_and_document_type(db, manager):
    convention, other = ConventionFactory(), ConventionFactory()

    add = services.convention_document_add
    first = add(
        convention_id=convention.pk, by=manager, doc_type="draft", upload=signed_pdf("v1.pdf")
    )
    second = add(
        convention_id=convention.pk, by=manager, doc_type="draft", upload=signed_pdf("v2.pdf")
    )
    signed = add(convention_id=convention.pk, by=manager, doc_type="signed", upload=signed_pdf())
    elsewhere = add(convention_id=other.pk, by=manager, doc_type="draft", upload=signed_pdf())

    assert [first.version, second.version, signed.version, elsewhere.version] == [1, 2, 1, 1]
    assert convention.documents.count() == 3
    assert convention.events.filter(kind="document").count() == 3


def test_a_disguised_file_is_refused(db, manager):
    convention = ConventionFactory()
    fake = SimpleUploadedFile("convention.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")

    with pytest.raises(ValidationError, match="programme Windows"):
        services.convention_document_add(
            convention_id=convention.pk, by=manager, doc_type="draft", upload=fake
        )


# persona → (may download the signed PDF, may download a draft)
ACCESS = {
    "manager": (True, True),
    "referent": (True, True),
    "coordinator": (True, False),
    "authority": (True, False),
    "specialist": (False, False),
    "paramedic": (False, False),
    "requester": (False, False),
    "anonymous": (False, False),
}


@pytest.mark.parametrize("persona", list(ACCESS))
def test_documents_are_downloadable_only_by_allowed_roles(
    db, client, client_for, personas, manager, persona
):
    referent = UserFactory(specialist=True)
    convention = ConventionFactory(referent=referent)
    add = services.convention_document_add
    signed = add(convention_id=convention.pk, by=manager, doc_type="signed", upload=signed_pdf())
    draft = add(convention_id=convention.pk, by=manager, doc_type="draft", upload=signed_pdf())
    user = referent if persona == "referent" else personas[persona]
    http = client if persona == "anonymous" else client_for(user)

    for document, allowed in zip((signed, draft), ACCESS[persona], strict=True):
        url = f"/partenaires/conventions/{convention.public_id}/documents/{document.public_id}/"
        response = http.get(url)
        assert can_download_convention_document(user, document) is allowed
        if allowed:
            assert response.status_code == 200
            assert b"".join(response.streaming_content) == PDF_BYTES
            assert response["Cache-Control"] == "private, no-store"
            assert AuditEvent.objects.filter(
                actor=user, action="download", object_id=str(document.public_id)
            ).exists()
        elif persona == "anonymous":
            assert response.status_code == 302
        else:
            # Requesters do not even learn the convention exists; readers of the convention do
            # not learn that a document they may not download exists.
            assert response.status_code == 404
            assert not AuditEvent.objects.filter(object_id=str(document.public_id)).exists()


def test_a_terminated_convention_takes_no_more_documents(db, client_for, manager):
    convention = ConventionFactory(active=True)
    services.convention_terminate(convention_id=convention.pk, by=manager, reason="Fusion")

    response = client_for(manager).post(
        f"/partenaires/conventions/{convention.public_id}/documents/",
        {"doc_type": "annex", "file": signed_pdf("annexe.pdf")},
        follow=True,
    )

    assert "Document déposé." not in response.text
    assert "elle n&#x27;est plus modifiable" in response.text
    assert not ConventionDocument.objects.filter(convention=convention).exists()
    assert not convention.events.filter(kind="document").exists()
