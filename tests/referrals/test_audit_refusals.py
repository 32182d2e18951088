"""Reads of patient data are audited, the refused ones too (outcome "refused"), by web and API."""

import uuid

import pytest
from django.urls import reverse

from ess.models import AuditEvent
from referrals import services
from tests.factories import (
    ConsultationSessionFactory,
    ConsultationSiteFactory,
    ReferralFactory,
    UserFactory,
)
from tests.referrals.conftest import pdf_upload

API = "/api/v1/referrals/"


def refusals(**filters):
    return AuditEvent.objects.filter(outcome="refused", **filters)


def test_listing_attachments_by_api_is_audited(api_client, requester):
    referral = ReferralFactory(requester=requester)
    services.attachment_add(referral_id=referral.pk, by=requester, files=[pdf_upload()])
    api_client.force_authenticate(requester)

    response = api_client.get(f"{API}{referral.public_id}/attachments/")

    assert response.status_code == 200
    event = AuditEvent.objects.get(actor=requester)
    assert (event.action, event.outcome, event.object_id) == (
        "view",
        "allowed",
        str(referral.public_id),
    )
    assert event.object_label == referral.reference


@pytest.mark.parametrize("suffix", ["", "messages/", "attachments/"])
def test_refused_api_reads_are_recorded_as_refused(api_client, requester, other_requester, suffix):
    theirs = ReferralFactory(requester=other_requester)
    api_client.force_authenticate(requester)

    response = api_client.get(f"{API}{theirs.public_id}/{suffix}")

    assert response.status_code == 404
    event = refusals().get()
    assert (event.actor, event.action, event.object_type, event.object_id) == (
        requester,
        "view",
        "referrals.referral",
        str(theirs.public_id),
    )
    assert event.object_label == ""  # nothing about the object itself
    assert not AuditEvent.objects.filter(outcome="allowed").exists()


def test_an_unknown_id_is_recorded_like_a_hidden_one(api_client, requester):
    api_client.force_authenticate(requester)
    unknown = uuid.uuid4()

    assert api_client.get(f"{API}{unknown}/").status_code == 404
    assert refusals(object_id=str(unknown)).count() == 1


def test_a_refused_action_is_recorded_as_a_refused_change(api_client, requester, other_requester):
    theirs = ReferralFactory(requester=other_requester)
    api_client.force_authenticate(requester)

    response = api_client.post(f"{API}{theirs.public_id}/cancel/", {"reason": "x"}, format="json")

    assert response.status_code == 404
    assert refusals().get().action == "update"


def test_a_late_accept_by_someone_never_offered_the_case_is_recorded(api_client, specialist):
    referral = ReferralFactory(triaged=True, offered_to=specialist, offered_to_pool=False)
    stranger = UserFactory(specialist=True)
    api_client.force_authenticate(stranger)

    assert api_client.post(f"{API}{referral.public_id}/accept/").status_code == 404
    assert refusals(actor=stranger, object_id=str(referral.public_id)).count() == 1


def test_refused_web_reads_are_recorded(client_for, requester, other_requester):
    theirs = ReferralFactory(requester=other_requester)
    attachment = services.attachment_add(
        referral_id=theirs.pk, by=other_requester, files=[pdf_upload()]
    )[0]
    client = client_for(requester)

    page = client.get(reverse("referrals:detail", args=[theirs.public_id]))
    download = client.get(
        reverse("referrals:attachment", args=[theirs.public_id, attachment.public_id])
    )

    assert (page.status_code, download.status_code) == (404, 404)
    assert refusals(object_type="referrals.referral", object_id=str(theirs.public_id)).count() == 1
    assert (
        refusals(object_type="referrals.attachment", object_id=str(attachment.public_id)).count()
        == 1
    )


def test_a_refused_day_sheet_is_recorded(client_for, cardiology):
    session = ConsultationSessionFactory(site=ConsultationSiteFactory())
    colleague = UserFactory(specialist=True)

    response = client_for(colleague).get(
        reverse("scheduling:consultation_day_sheet", args=[session.public_id])
    )

    assert response.status_code == 404
    event = refusals().get()
    assert (event.object_type, event.object_id) == (
        "scheduling.consultationsession",  # the model moved to scheduling
        str(session.public_id),
    )


def test_allowed_reads_stay_allowed(client_for, requester):
    mine = ReferralFactory(requester=requester)

    client_for(requester).get(reverse("referrals:detail", args=[mine.public_id]))

    assert AuditEvent.objects.get().outcome == "allowed"
