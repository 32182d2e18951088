"""Documents are served only through a view that checks access and audits the download."""

from django.urls import reverse

from ess.models import AuditEvent
from referrals import services
from tests.factories import ReferralFactory
from tests.referrals.conftest import PDF_BYTES, pdf_upload


def test_the_requester_downloads_an_attachment_and_it_is_audited(client_for, requester):
    referral = ReferralFactory(requester=requester)
    (attachment,) = services.attachment_add(
        referral_id=referral.pk, by=requester, files=[pdf_upload("ecg.pdf")]
    )

    response = client_for(requester).get(
        reverse("referrals:attachment", args=[referral.public_id, attachment.public_id])
    )

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="ecg.pdf"' in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    assert AuditEvent.objects.filter(
        action="download", actor=requester, object_id=str(attachment.public_id)
    ).exists()


def test_others_get_a_404_and_no_file(client_for, requester, other_requester, authority):
    referral = ReferralFactory(requester=requester)
    (attachment,) = services.attachment_add(
        referral_id=referral.pk, by=requester, files=[pdf_upload()]
    )
    url = reverse("referrals:attachment", args=[referral.public_id, attachment.public_id])

    for user in (other_requester, authority):
        assert client_for(user).get(url).status_code == 404


def test_files_are_not_under_a_public_url(client, requester, settings):
    referral = ReferralFactory(requester=requester)
    (attachment,) = services.attachment_add(
        referral_id=referral.pk, by=requester, files=[pdf_upload()]
    )

    assert str(settings.PRIVATE_STORAGE_ROOT) in attachment.file.path
    assert client.get("/non-public/" + attachment.file.name).status_code == 404
    assert client.get("/media/" + attachment.file.name).status_code == 404


def test_messages_with_attachments_from_the_page(client_for, requester):
    referral = ReferralFactory(requester=requester)

    response = client_for(requester).post(
        reverse("referrals:message", args=[referral.public_id]),
        {"body": "Voici la biologie", "files": [pdf_upload("bio.pdf")]},
        follow=True,
    )

    assert "Message envoyé." in response.text
    assert "Voici la biologie" in response.text
    assert "bio.pdf" in response.text
