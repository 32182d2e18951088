"""A platform sends a télé-expertise request as a FHIR transaction Bundle: it becomes a referral
in the coordination's queue through the web form's checks; sent again it creates nothing; a
Bundle refused says which element is wrong and writes nothing."""

import base64
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.operationoutcome import OperationOutcome

from ess.models import AuditEvent, Specialty
from interop.platforms import register_platform
from referrals.models import Attachment, Patient, Referral, RequesterContact, Status
from tests.factories import DirectoryEntryFactory, UserFactory, valid_rpps
from tests.interop.teleexpertise_bundle import NIR, as_json, teleexpertise_bundle

pytestmark = pytest.mark.django_db

RPPS = valid_rpps("1000000010")


@pytest.fixture
def gp(cardiology):
    return UserFactory(requester=True, rpps=RPPS, first_name="Claire", last_name="Martin")


@pytest.fixture
def platform():
    return register_platform(name="Plateforme régionale", scopes=["teleexpertise"])


def post(client, token, body):
    return client.post(
        "/fhir/",
        data=body if isinstance(body, str) else json.dumps(body),
        content_type="application/fhir+json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def nothing_written():
    return not (
        Referral.all_objects.exists()
        or Patient.objects.exists()
        or Attachment.objects.exists()
        or RequesterContact.objects.exists()
    )


def test_a_bundle_becomes_a_referral_in_the_coordinators_queue_once(
    client, client_for, gp, platform, coordinator
):
    platform, token = platform
    bundle = teleexpertise_bundle(rpps=RPPS)

    response = post(client, token, as_json(bundle))

    assert response.status_code == 200, response.content
    answer = Bundle.model_validate_json(response.content)
    assert answer.type == "transaction-response"
    referral = Referral.objects.get()
    statuses = [(e.response.status, e.response.location) for e in answer.entry]
    assert statuses[0] == ("201 Created", f"ServiceRequest/{referral.public_id}")
    assert statuses[1] == ("201 Created", f"Patient/{referral.patient.public_id}")
    document = referral.attachments.get()
    assert statuses[4] == ("201 Created", f"DocumentReference/{document.public_id}")
    assert (referral.requester, referral.channel, referral.status) == (gp, "platform", "submitted")
    assert referral.patient.ins == NIR
    assert (referral.patient.birth_name, referral.patient.first_names) == ("DURAND", "JEANNE MARIE")
    assert referral.patient.commune_id == "45234"
    assert referral.urgency_requested == "P2"
    assert referral.question.startswith("Palpitations à l'effort")
    assert document.original_name == "ecg.pdf" and document.content_type == "application/pdf"
    assert referral.platform_request.identifier_value == "DEM-2026-0001"
    queue = client_for(coordinator).get(reverse("referrals:dashboard"))
    assert referral.reference in queue.content.decode()
    audit = AuditEvent.objects.get(object_id=str(referral.public_id), via=platform.audit_via)
    assert (audit.action, audit.via, audit.actor) == (
        "create",
        platform.audit_via,
        platform.account,
    )

    again = post(client, token, as_json(bundle))

    assert again.status_code == 200
    replay = Bundle.model_validate_json(again.content)
    assert replay.entry[0].response.status == "200 OK"
    assert replay.entry[0].response.location == f"ServiceRequest/{referral.public_id}"
    assert Referral.objects.count() == 1 and Attachment.objects.count() == 1
    assert Patient.objects.count() == 1


def test_the_same_identifier_with_other_content_is_a_conflict(client, gp, platform):
    _, token = platform
    post(client, token, as_json(teleexpertise_bundle(rpps=RPPS)))

    response = post(client, token, as_json(teleexpertise_bundle(rpps=RPPS, urgency="P4")))

    assert response.status_code == 409
    assert OperationOutcome.model_validate_json(response.content).issue[0].code == "conflict"
    assert Referral.objects.count() == 1


def test_another_platform_may_use_the_same_identifier(client, gp, platform):
    _, token = platform
    _, other = register_platform(name="Autre plateforme", scopes=["teleexpertise"])
    bundle = as_json(teleexpertise_bundle(rpps=RPPS))

    post(client, token, bundle)
    response = post(client, other, bundle)

    assert response.status_code == 200
    assert Referral.objects.count() == 2


def issues(response) -> list[tuple[str, str]]:
    outcome = OperationOutcome.model_validate_json(response.content)
    return [(i.expression[0] if i.expression else "", i.diagnostics) for i in outcome.issue]


@pytest.mark.parametrize(
    ("changes", "path", "text"),
    [
        ({"birth_date": "1969-13-45"}, "Bundle.entry[1].resource.birthDate", "valeur invalide"),
        ({"birth_date": "2090-05-12"}, "Bundle.entry[1].resource.birthDate", "futur"),
        # The INS says a woman born in May 1969: the traits must agree.
        ({"birth_date": "1971-05-12"}, "Bundle.entry[1].resource.birthDate", "naissance"),
        ({"ins": NIR[:-2] + "00"}, "Bundle.entry[1].resource.identifier", "clé"),
        (
            {"specialty": "astrologie"},
            "Bundle.entry[0].resource.performerType",
            "Spécialité inconnue : « astrologie ».",
        ),
        ({"urgency": "P9"}, "Bundle.entry[0].resource.priority", "P9"),
        ({"consent": False}, "Bundle.entry", "consentement"),
        ({"pdf": b"MZ\x90\x00 not a pdf at all"}, "Bundle.entry[4].resource.content", ""),
        ({"rpps": "12345"}, "Bundle.entry[2].resource.identifier", "RPPS"),
        # A mistyped number is said as such, not as unknown to the directory.
        (
            {"rpps": "10000000008"},
            "Bundle.entry[2].resource.identifier",
            "La clé du numéro RPPS est incorrecte",
        ),
    ],
)
def test_an_invalid_bundle_says_which_element_and_writes_nothing(
    client, gp, platform, changes, path, text
):
    _, token = platform
    bundle = teleexpertise_bundle(rpps=RPPS, identifier="DEM-X").model_dump(
        mode="json", exclude_none=True
    )
    # Broken as JSON: the models would refuse to build a broken Bundle.
    patient = bundle["entry"][1]["resource"]
    request = bundle["entry"][0]["resource"]
    practitioner = bundle["entry"][2]["resource"]
    if "birth_date" in changes:
        patient["birthDate"] = changes["birth_date"]
    if "ins" in changes:
        patient["identifier"][0]["value"] = changes["ins"]
    if "specialty" in changes:
        request["performerType"]["coding"][0]["code"] = changes["specialty"]
    if "urgency" in changes:
        request["extension"][0]["valueCode"] = changes["urgency"]
    if changes.get("consent") is False:
        bundle["entry"] = [e for e in bundle["entry"] if e["resource"]["resourceType"] != "Consent"]
    if "pdf" in changes:
        attachment = bundle["entry"][4]["resource"]["content"][0]["attachment"]
        attachment["data"] = base64.b64encode(changes["pdf"]).decode()
    if "rpps" in changes:
        practitioner["identifier"][0]["value"] = "8" + changes["rpps"]

    response = post(client, token, bundle)

    assert response.status_code == 400, response.content
    found = issues(response)
    assert any(p == path and text in d for p, d in found), found
    assert nothing_written()


def test_a_bundle_that_is_not_a_transaction_is_refused(client, gp, platform):
    _, token = platform
    bundle = teleexpertise_bundle(rpps=RPPS).model_dump(mode="json", exclude_none=True)
    bundle["type"] = "collection"

    response = post(client, token, bundle)

    assert response.status_code == 400
    assert issues(response)[0][0] == "Bundle.type"
    assert nothing_written()


def test_a_professional_without_an_account_is_taken_from_the_directory(client, platform):
    _, token = platform
    entry = DirectoryEntryFactory(last_name="BERTHELIN", first_name="Claire")
    Specialty.objects.get_or_create(code="cardiologie", defaults={"label": "Cardiologie"})
    bundle = teleexpertise_bundle(rpps=entry.identifier, email="c.berthelin@exemple.fr")

    response = post(client, token, as_json(bundle))

    assert response.status_code == 200, response.content
    referral = Referral.objects.get()
    contact = RequesterContact.objects.get()
    assert referral.requester == contact.stand_in and referral.status == Status.SUBMITTED
    assert (contact.rpps, contact.email) == (entry.identifier, "c.berthelin@exemple.fr")
    assert not contact.stand_in.is_active  # signs in only once the GP opens an account


def test_a_professional_unknown_to_the_directory_is_refused(client, platform, cardiology):
    _, token = platform

    response = post(client, token, as_json(teleexpertise_bundle(rpps=valid_rpps("1999999999"))))

    assert response.status_code == 400
    path, text = issues(response)[0]
    assert path == "Bundle.entry[2].resource.identifier" and "annuaire" in text
    assert nothing_written()


def test_only_a_platform_with_the_scope_may_post(client, client_for, gp, requester):
    _, slots_token = register_platform(name="SAS", scopes=["slots"])
    body = as_json(teleexpertise_bundle(rpps=RPPS))

    refused_scope = post(client, slots_token, body)
    as_person = client_for(requester).post(
        "/fhir/", data=body, content_type="application/fhir+json"
    )

    assert refused_scope.status_code == 403
    assert as_person.status_code in (401, 403)
    assert OperationOutcome.model_validate_json(as_person.content)
    assert nothing_written()


def test_the_capability_statement_lists_the_intake(client):
    statement = CapabilityStatement.model_validate_json(client.get("/fhir/metadata").content)

    types = {r.type: r for r in statement.rest[0].resource}
    assert {"ServiceRequest", "DiagnosticReport", "Patient", "Consent"} <= set(types)
    assert types["ServiceRequest"].searchParam[0].name == "identifier"


def test_the_documented_example_bundle_is_accepted(client, cardiology, platform):
    # docs/interop.md posts it to the demo, for the demo GP (RPPS 10000000009).
    UserFactory(requester=True, rpps="10000000009")
    _, token = platform
    example = Path(settings.BASE_DIR, "docs/examples/fhir-bundle-teleexpertise.json").read_text()

    response = post(client, token, example)

    assert response.status_code == 200, response.content
    assert Bundle.model_validate_json(response.content).entry[0].response.status == "201 Created"
    assert Referral.objects.get().attachments.count() == 1


def test_an_unknown_element_or_resource_is_refused_at_its_path(client, gp, platform):
    _, token = platform
    bundle = teleexpertise_bundle(rpps=RPPS).model_dump(mode="json", exclude_none=True)
    bundle["entry"][1]["resource"]["couleurPreferee"] = "bleu"

    unknown_element = post(client, token, bundle)
    del bundle["entry"][1]["resource"]["couleurPreferee"]
    bundle["entry"].append(
        {"resource": {"resourceType": "Observation", "status": "final", "code": {"text": "TA"}}}
    )
    unknown_resource = post(client, token, bundle)

    assert unknown_element.status_code == unknown_resource.status_code == 400
    assert issues(unknown_element)[0][0] == "Bundle.entry[1].resource.couleurPreferee"
    assert "inconnu" in issues(unknown_element)[0][1]
    assert issues(unknown_resource)[0][0] == "Bundle.entry[6].resource"
    assert "Observation" in issues(unknown_resource)[0][1]
    assert nothing_written()


def test_the_requester_may_be_a_practitioner_without_a_role(client, gp, platform):
    _, token = platform
    bundle = teleexpertise_bundle(rpps=RPPS).model_dump(mode="json", exclude_none=True)
    practitioner_url = bundle["entry"][2]["fullUrl"]
    bundle["entry"][0]["resource"]["requester"] = {"reference": practitioner_url}
    del bundle["entry"][3]  # the PractitionerRole

    response = post(client, token, bundle)

    assert response.status_code == 200, response.content
    assert Referral.objects.get().requester == gp


def test_every_call_is_in_the_audit_trail_even_one_that_names_no_request(client, gp, platform):
    """A refused Bundle and a search that finds nothing still leave a line naming the platform,
    its method and the answer's status."""
    registered, token = platform
    bundle = teleexpertise_bundle(rpps=RPPS, identifier="DEM-AUDIT").model_dump(
        mode="json", exclude_none=True
    )
    bundle["entry"][1]["resource"]["birthDate"] = "1950-13-45"

    post(client, token, bundle)
    client.get("/fhir/ServiceRequest?identifier=INCONNUE", HTTP_AUTHORIZATION=f"Bearer {token}")

    lines = AuditEvent.objects.filter(via=registered.audit_via).order_by("pk")
    assert [(line.action, line.object_id, line.object_label[-3:]) for line in lines] == [
        ("create", str(registered.public_id), "400"),
        ("view", str(registered.public_id), "200"),
    ]
    assert {line.actor_id for line in lines} == {registered.account_id}
