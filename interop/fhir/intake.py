"""The télé-expertise intake: a `transaction` Bundle posted to `/fhir/` by a platform holding the
`teleexpertise` scope becomes a referral through the web form's service (the same checks, the
same idempotency), and is answered with a `transaction-response` (docs/interop.md).

The Bundle is first validated by the `fhir.resources` models (a malformed element is refused
with its FHIRPath), then read into the API serializer's fields (every identity, commune,
specialty, urgency and text rule, reported at the FHIR element it came from), then submitted by
`referrals.services.referral_submit_for_platform` (consent, files with their type and antivirus
checks). Nothing is written before every check passed. The Bundle's checks are in
`intake_bundle.py`, the reading of its resources in `intake_fields.py`.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from fhir.resources.R4B.bundle import Bundle
from pydantic import ValidationError as PydanticValidationError
from rest_framework import status
from rest_framework.response import Response

from ess.audit import audit_record
from ess.models import AuditAction
from interop.fhir.intake_bundle import BundleRefused, Parsed, model_issues, parse_bundle
from interop.fhir.intake_fields import platform_identifier, read_referral_input, service_issues
from interop.fhir.media import BUNDLE_PARSERS
from interop.fhir.outcome import outcome_of_issues
from interop.fhir.views import FhirView, register_capability
from interop.models import PlatformRequest, PlatformScope
from referrals import services


# ---------------------------------------------------------------------------------------------
# The endpoint
# ---------------------------------------------------------------------------------------------
def _response_entry(status_line: str, location: str = "") -> dict:
    response = {"status": status_line}
    if location:
        response["location"] = location
    return {"response": response}


class Transaction(FhirView):
    """`POST /fhir/`: a `transaction` Bundle asking for a télé-expertise."""

    validated_root = "Bundle"
    # Its documents travel in the body: a larger bound than other bodies (docs/interop.md).
    parser_classes = BUNDLE_PARSERS

    def post(self, request):
        platform = self.require_platform_scope(request, PlatformScope.TELEEXPERTISE)
        try:
            parsed = parse_bundle(request.data)
            system, value = platform_identifier(parsed)
            payload, requester, indexes = read_referral_input(parsed)
        except BundleRefused as refused:
            return Response(outcome_of_issues(refused.issues), status=status.HTTP_400_BAD_REQUEST)
        except PydanticValidationError as exc:
            return Response(
                outcome_of_issues(model_issues(exc)), status=status.HTTP_400_BAD_REQUEST
            )

        def remember(referral):
            PlatformRequest.objects.create(
                platform=platform,
                referral=referral,
                identifier_system=system,
                identifier_value=value,
            )

        try:
            referral, created = services.referral_submit_for_platform(
                account=platform.account,
                key=f"{system}|{value}"[:200],
                data=payload,
                requester=requester.user,
                rpps=requester.rpps,
                email=requester.email,
                phone=requester.phone,
                on_created=remember,
            )
        except DjangoValidationError as exc:
            return Response(
                outcome_of_issues(service_issues(parsed, exc, indexes)),
                status=status.HTTP_400_BAD_REQUEST,
            )
        audit_record(
            request=request,
            action=AuditAction.CREATE if created else AuditAction.VIEW,
            obj=referral,
            label=referral.reference,
        )
        return Response(transaction_response(parsed, referral, created), status=status.HTTP_200_OK)


def transaction_response(parsed: Parsed, referral, created: bool) -> Bundle:
    """One response per entry, in the Bundle's order: the request and its patient with their
    locations, the documents with theirs; the practitioners and the consent are not kept as
    resources (the requester is an account, the consent a fact of the request)."""
    status_line = "201 Created" if created else "200 OK"
    documents = iter(referral.attachments.filter(is_report=False).order_by("created_at", "pk"))
    entries = []
    for entry in parsed.bundle.entry:
        kind = entry.resource.get_resource_type()
        if kind == "ServiceRequest":
            entries.append(_response_entry(status_line, f"ServiceRequest/{referral.public_id}"))
        elif kind == "Patient":
            entries.append(_response_entry(status_line, f"Patient/{referral.patient.public_id}"))
        elif kind == "DocumentReference":
            count = len(entry.resource.content or [])
            stored = [next(documents, None) for _ in range(count)]
            location = f"DocumentReference/{stored[0].public_id}" if stored and stored[0] else ""
            entries.append(_response_entry(status_line, location))
        else:
            entries.append(_response_entry("200 OK"))
    return Bundle.model_validate(
        {"resourceType": "Bundle", "type": "transaction-response", "entry": entries}
    )


for _kind, _doc in (
    ("Patient", "Dans une transaction : le patient de la demande (INS et traits stricts)."),
    ("Practitioner", "Dans une transaction : le demandeur, identifié par « 8 » + RPPS."),
    ("PractitionerRole", "Dans une transaction : le demandeur et sa structure."),
    ("DocumentReference", "Dans une transaction : une pièce jointe (PDF en base64)."),
    ("Consent", "Dans une transaction : le consentement du patient au partage (requis)."),
):
    register_capability({"type": _kind, "interaction": [{"code": "create"}], "documentation": _doc})
