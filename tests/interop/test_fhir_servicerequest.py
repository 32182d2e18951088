"""A platform follows the request it sent: the status search through triage, answer and
cancellation, the answer as a DiagnosticReport with its PDF, and nothing of anyone else's."""

import io
import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.diagnosticreport import DiagnosticReport
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.servicerequest import ServiceRequest
from pypdf import PdfReader

from ess.models import AuditEvent
from interop.platforms import register_platform
from referrals import services
from referrals.models import Referral
from tests.factories import ReferralFactory, UserFactory, valid_rpps
from tests.interop.teleexpertise_bundle import (
    PDF_BYTES,
    PLATFORM_SYSTEM,
    as_json,
    teleexpertise_bundle,
)

pytestmark = pytest.mark.django_db

RPPS = valid_rpps("1000000010")
STATUS_EXTENSION = "urn:ess:fhir:extension:statut-demande"


@pytest.fixture
def gp(cardiology):
    return UserFactory(requester=True, rpps=RPPS)


@pytest.fixture
def platform(gp):
    return register_platform(name="Plateforme régionale", scopes=["teleexpertise"])


def send(client, token, identifier="DEM-2026-0001") -> Referral:
    body = as_json(teleexpertise_bundle(rpps=RPPS, identifier=identifier))
    response = client.post(
        "/fhir/",
        data=body,
        content_type="application/fhir+json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 200, response.content
    return Referral.objects.get(platform_request__identifier_value=identifier)


def fhir_get(client, token, path):
    return client.get(path, HTTP_AUTHORIZATION=f"Bearer {token}")


def status_of(client, token, identifier="DEM-2026-0001") -> tuple[str, str]:
    """The FHIR status and our detailed status, found by the platform's identifier."""
    response = fhir_get(
        client, token, f"/fhir/ServiceRequest?identifier={PLATFORM_SYSTEM}|{identifier}"
    )
    assert response.status_code == 200, response.content
    found = Bundle.model_validate_json(response.content)
    assert found.type == "searchset" and found.total == 1
    request = found.entry[0].resource
    assert isinstance(request, ServiceRequest)
    detailed = next(e for e in request.extension if e.url == STATUS_EXTENSION)
    return request.status, detailed.valueCoding.code


def test_the_status_follows_the_referral_through_triage_and_answer(
    client, platform, coordinator, specialist
):
    platform, token = platform
    referral = send(client, token)
    assert status_of(client, token) == ("active", "submitted")

    services.referral_request_info(referral_id=referral.pk, by=coordinator, question="L'ECG ?")
    assert status_of(client, token) == ("on-hold", "info_requested")
    services.referral_provide_info(referral_id=referral.pk, by=referral.requester, answer="Joint.")
    services.referral_triage(
        referral_id=referral.pk,
        by=coordinator,
        priority="P2",
        response_mode="teleexpertise_async",
        specialist=specialist,
    )
    assert status_of(client, token) == ("active", "triaged")
    services.referral_accept(referral_id=referral.pk, by=specialist)
    assert status_of(client, token) == ("active", "accepted")
    none_yet = fhir_get(
        client, token, f"/fhir/DiagnosticReport?based-on=ServiceRequest/{referral.public_id}"
    )
    assert Bundle.model_validate_json(none_yet.content).total == 0

    services.referral_complete(
        referral_id=referral.pk,
        by=specialist,
        answer="Extrasystoles bénignes, pas de traitement.",
        recommended_actions="Holter si récidive.",
        report_files=[SimpleUploadedFile("cr.pdf", PDF_BYTES, content_type="application/pdf")],
    )
    assert status_of(client, token) == ("completed", "completed")

    read = fhir_get(client, token, f"/fhir/ServiceRequest/{referral.public_id}")
    request = ServiceRequest.model_validate_json(read.content)
    assert request.status == "completed"
    assert {(i.system, i.value) for i in request.identifier} >= {
        (PLATFORM_SYSTEM, "DEM-2026-0001"),
        ("urn:ess:demande", referral.reference),
    }
    answer = fhir_get(
        client, token, f"/fhir/DiagnosticReport?based-on=ServiceRequest/{referral.public_id}"
    )
    found = Bundle.model_validate_json(answer.content)
    assert found.total == 1
    report = found.entry[0].resource
    assert isinstance(report, DiagnosticReport)
    assert report.status == "final"
    assert report.basedOn[0].reference == f"ServiceRequest/{referral.public_id}"
    assert "Extrasystoles bénignes" in report.conclusion
    pdf, attached = report.presentedForm
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert referral.reference in text and "Extrasystoles bénignes" in text
    assert "Holter si récidive" in text
    assert (attached.title, attached.data) == ("cr.pdf", PDF_BYTES)
    same = fhir_get(client, token, f"/fhir/DiagnosticReport/{referral.public_id}")
    assert DiagnosticReport.model_validate_json(same.content).id == str(referral.public_id)
    reads = AuditEvent.objects.filter(
        via=platform.audit_via, action="view", object_type="referrals.referral"
    )
    assert reads.count() >= 8 and {e.object_id for e in reads} == {str(referral.public_id)}


def test_a_cancelled_request_is_revoked(client, platform, coordinator):
    _, token = platform
    referral = send(client, token, identifier="DEM-ANNULEE")

    services.referral_cancel(
        referral_id=referral.pk, by=referral.requester, reason="Vu aux urgences"
    )

    assert status_of(client, token, "DEM-ANNULEE") == ("revoked", "cancelled")
    read = fhir_get(client, token, f"/fhir/ServiceRequest/{referral.public_id}")
    assert ServiceRequest.model_validate_json(read.content).note[0].text == "Vu aux urgences"


def test_a_platform_sees_only_its_own_requests(client, platform, requester):
    _, token = platform
    mine = send(client, token)
    _, other_token = register_platform(name="Autre plateforme", scopes=["teleexpertise"])
    not_sent_by_a_platform = ReferralFactory()

    for referral in (mine, not_sent_by_a_platform):
        token_for = other_token if referral is mine else token
        response = fhir_get(client, token_for, f"/fhir/ServiceRequest/{referral.public_id}")
        assert response.status_code == 404
        assert OperationOutcome.model_validate_json(response.content).issue[0].code == "not-found"
        search = fhir_get(
            client,
            token_for,
            f"/fhir/DiagnosticReport?based-on=ServiceRequest/{referral.public_id}",
        )
        assert Bundle.model_validate_json(search.content).total == 0
    search = fhir_get(
        client, other_token, f"/fhir/ServiceRequest?identifier={PLATFORM_SYSTEM}|DEM-2026-0001"
    )
    assert Bundle.model_validate_json(search.content).total == 0
    assert fhir_get(client, token, "/fhir/ServiceRequest/pas-un-uuid").status_code == 404
    as_person = client.get(
        f"/fhir/ServiceRequest/{mine.public_id}", HTTP_AUTHORIZATION="Bearer nope"
    )
    assert as_person.status_code == 401
    assert json.loads(as_person.content)["resourceType"] == "OperationOutcome"


def test_the_search_needs_an_identifier(client, platform):
    _, token = platform

    response = fhir_get(client, token, "/fhir/ServiceRequest")

    assert response.status_code == 400
    assert (
        "identifier" in OperationOutcome.model_validate_json(response.content).issue[0].diagnostics
    )


def test_the_status_search_runs_a_constant_number_of_queries(
    client, platform, django_assert_max_num_queries
):
    _, token = platform
    for n in range(3):
        send(client, token, identifier=f"DEM-{n}")

    # The platform, its requests with what they show, the audit lines: the same for any count.
    with django_assert_max_num_queries(4):
        response = fhir_get(client, token, "/fhir/ServiceRequest?identifier=DEM-1")

    assert Bundle.model_validate_json(response.content).total == 1


def test_the_answer_pdf_says_the_day_it_was_issued(client, platform, coordinator, specialist):
    _, token = platform
    referral = send(client, token)
    services.referral_triage(
        referral_id=referral.pk,
        by=coordinator,
        priority="P3",
        response_mode="teleexpertise_async",
        specialist=specialist,
    )
    services.referral_accept(referral_id=referral.pk, by=specialist)
    services.referral_complete(
        referral_id=referral.pk, by=specialist, answer="Pas d'argument pour une cardiopathie."
    )

    with time_machine.travel(datetime(2026, 12, 5, 9, 30, tzinfo=ZoneInfo("Europe/Paris"))):
        answer = fhir_get(client, token, f"/fhir/DiagnosticReport/{referral.public_id}")

    pdf = DiagnosticReport.model_validate_json(answer.content).presentedForm[0]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Édité le 5 décembre 2026" in text
