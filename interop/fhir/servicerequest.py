"""A platform follows the requests it sent: `ServiceRequest` (read, search by identifier) with
the status mapped from ours, and the answer as a `DiagnosticReport` (read, search by
`based-on`) carrying its PDF. A platform sees only its own requests: any other id is "not found",
like one that does not exist (docs/interop.md).
"""

import base64
import uuid

from django.conf import settings
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.diagnosticreport import DiagnosticReport
from fhir.resources.R4B.servicerequest import ServiceRequest
from rest_framework import exceptions
from rest_framework.response import Response

from ess.audit import audit_record_many, audit_refusal
from ess.models import AuditAction
from interop.answer_report import answer_report_files, answer_report_pdf
from interop.fhir.views import FhirView, register_capability
from interop.models import PlatformScope
from referrals.models import STATUS_LABELS, Referral, Status

# Our statuses → ServiceRequest.status (the table of docs/interop.md). A cancelled request is
# `revoked`, as the guide says; a reoriented one too (the ESS will not perform it).
FHIR_STATUS = {
    Status.AWAITING_CONFIRMATION: "draft",
    Status.SUBMITTED: "active",
    Status.INFO_REQUESTED: "on-hold",
    Status.TRIAGED: "active",
    Status.ACCEPTED: "active",
    Status.SCHEDULED: "active",
    Status.COMPLETED: "completed",
    Status.REORIENTED: "revoked",
    Status.CANCELLED: "revoked",
}
# Our urgency → ServiceRequest.priority (coarse; the urgency extension carries P1–P4).
FHIR_PRIORITY = {"P1": "stat", "P2": "asap", "P3": "urgent", "P4": "routine"}
# "Consult note": the answer of a télé-expertise.
ANSWER_CODE = {"system": "http://loinc.org", "code": "11488-4", "display": "Consult note"}


def platform_referrals(platform):
    return Referral.objects.filter(platform_request__platform=platform).select_related(
        "patient", "specialty", "requester", "specialist", "platform_request"
    )


def _as_uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def referral_for_platform(request, platform, referral_id: str) -> Referral:
    """The platform's referral with this id, or a 404 (with a refused line in the audit trail)
    whether it does not exist or belongs to someone else."""
    with audit_refusal(
        request=request, object_type=Referral._meta.label_lower, object_id=referral_id
    ):
        wanted = _as_uuid(referral_id)
        referral = platform_referrals(platform).filter(public_id=wanted).first() if wanted else None
        if referral is None:
            raise exceptions.NotFound("Ressource inconnue.")
    return referral


def _instant(value) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def service_request(referral: Referral) -> ServiceRequest:
    """The referral as a ServiceRequest, validated by its model."""
    urls = settings.ESS_FHIR_URLS
    known = referral.platform_request
    priority = referral.effective_priority
    resource = {
        "resourceType": "ServiceRequest",
        "id": str(referral.public_id),
        "meta": {"lastUpdated": _instant(referral.updated_at)},
        "extension": [
            {
                "url": urls["status_extension"],
                "valueCoding": {
                    "system": urls["status_system"],
                    "code": referral.status,
                    "display": str(STATUS_LABELS[referral.status]),
                },
            },
            {"url": urls["urgency_extension"], "valueCode": priority},
        ],
        "identifier": [
            {"system": known.identifier_system, "value": known.identifier_value},
            {
                "use": "secondary",
                "system": urls["referral_identifier"],
                "value": referral.reference,
            },
        ],
        "status": FHIR_STATUS[referral.status],
        "intent": "order",
        "priority": FHIR_PRIORITY[priority],
        "performerType": {
            "coding": [
                {
                    "system": urls["specialty_system"],
                    "code": referral.specialty.code,
                    "display": referral.specialty.label,
                }
            ]
        },
        "subject": {"reference": f"Patient/{referral.patient.public_id}"},
        "authoredOn": _instant(referral.submitted_at),
        "requester": {"display": referral.requester.display_name},
        "reasonCode": [{"text": referral.question}],
    }
    if referral.appointment_at and referral.status == Status.SCHEDULED:
        resource["occurrenceDateTime"] = _instant(referral.appointment_at)
    if referral.status in (Status.CANCELLED, Status.REORIENTED) and referral.closing_reason:
        text = referral.closing_reason
        if referral.reorient_target:
            text = f"Réorientée vers {referral.reorient_target} : {text}"
        resource["note"] = [{"text": text}]
    return ServiceRequest.model_validate(resource)


def diagnostic_report(referral: Referral) -> DiagnosticReport:
    """The answer of an answered referral: its text as the conclusion, the answer as a PDF and
    the specialist's report files as presentedForm."""
    reports = answer_report_files(referral)
    forms = [
        {
            "contentType": "application/pdf",
            "language": "fr",
            "title": f"Réponse {referral.reference}.pdf",
            "creation": _instant(referral.answered_at),
            "data": base64.b64encode(answer_report_pdf(referral, reports=reports)).decode(),
        }
    ]
    for report in reports:
        with report.file.open("rb") as handle:
            data = handle.read()
        forms.append(
            {
                "contentType": report.content_type,
                "title": report.original_name,
                "creation": _instant(report.created_at),
                "data": base64.b64encode(data).decode(),
            }
        )
    conclusion = referral.answer
    if referral.recommended_actions:
        conclusion = f"{conclusion}\n\nConduite à tenir : {referral.recommended_actions}".strip()
    resource = {
        "resourceType": "DiagnosticReport",
        "id": str(referral.public_id),
        "basedOn": [{"reference": f"ServiceRequest/{referral.public_id}"}],
        "status": "final",
        "code": {"coding": [ANSWER_CODE], "text": "Réponse de télé-expertise"},
        "subject": {"reference": f"Patient/{referral.patient.public_id}"},
        "issued": _instant(referral.answered_at),
        "conclusion": conclusion or None,
        "presentedForm": forms,
    }
    if referral.specialist:
        resource["performer"] = [{"display": referral.specialist.display_name}]
    return DiagnosticReport.model_validate(resource)


def searchset(request, kind: str, resources: list) -> Bundle:
    base = request.build_absolute_uri("/fhir/")
    return Bundle.model_validate(
        {
            "resourceType": "Bundle",
            "type": "searchset",
            "total": len(resources),
            "entry": [
                {
                    "fullUrl": f"{base}{kind}/{r.id}",
                    "resource": r,
                    "search": {"mode": "match"},
                }
                for r in resources
            ],
        }
    )


def _audit_view(request, referrals) -> None:
    """One line per request revealed, in one statement."""
    audit_record_many(
        request=request, action=AuditAction.VIEW, objects=referrals, label_attr="reference"
    )


class ServiceRequestRead(FhirView):
    """`GET /fhir/ServiceRequest/{id}`."""

    def get(self, request, referral_id):
        platform = self.require_platform_scope(request, PlatformScope.TELEEXPERTISE)
        referral = referral_for_platform(request, platform, referral_id)
        _audit_view(request, [referral])
        return Response(service_request(referral))


def _required_param(request, name: str, form: str) -> str:
    """A search parameter the search cannot do without (400 when it is missing or empty)."""
    value = request.query_params.get(name, "").strip()
    if not value:
        raise exceptions.ValidationError(
            f"Le paramètre de recherche « {name} » est requis ({form})."
        )
    return value


class ServiceRequestSearch(FhirView):
    """`GET /fhir/ServiceRequest?identifier=[system|]value`: the platform's identifier or our
    reference."""

    def get(self, request):
        platform = self.require_platform_scope(request, PlatformScope.TELEEXPERTISE)
        wanted = _required_param(request, "identifier", "system|value")
        system, _bar, value = wanted.rpartition("|")
        ours = settings.ESS_FHIR_URLS["referral_identifier"]
        referrals = platform_referrals(platform)
        if system == ours:
            referrals = referrals.filter(reference=value)
        elif system:
            referrals = referrals.filter(
                platform_request__identifier_system=system,
                platform_request__identifier_value=value,
            )
        else:
            referrals = referrals.filter(platform_request__identifier_value=value)
        found = list(referrals[:20])
        _audit_view(request, found)
        return Response(searchset(request, "ServiceRequest", [service_request(r) for r in found]))


def _answered(referral: Referral) -> bool:
    return referral.answered_at is not None and referral.status not in (
        Status.CANCELLED,
        Status.REORIENTED,
    )


class DiagnosticReportRead(FhirView):
    """`GET /fhir/DiagnosticReport/{id}`: the answer (its id is the request's)."""

    def get(self, request, referral_id):
        platform = self.require_platform_scope(request, PlatformScope.TELEEXPERTISE)
        referral = referral_for_platform(request, platform, referral_id)
        if not _answered(referral):
            raise exceptions.NotFound("Pas encore de réponse à cette demande.")
        _audit_view(request, [referral])
        return Response(diagnostic_report(referral))


class DiagnosticReportSearch(FhirView):
    """`GET /fhir/DiagnosticReport?based-on=ServiceRequest/{id}`: the answer, once given."""

    def get(self, request):
        platform = self.require_platform_scope(request, PlatformScope.TELEEXPERTISE)
        based_on = _required_param(request, "based-on", "ServiceRequest/{id}")
        wanted = _as_uuid(based_on.removeprefix("ServiceRequest/"))
        referral = platform_referrals(platform).filter(public_id=wanted).first() if wanted else None
        found = [referral] if referral is not None and _answered(referral) else []
        _audit_view(request, found)
        return Response(
            searchset(request, "DiagnosticReport", [diagnostic_report(r) for r in found])
        )


register_capability(
    {
        "type": "ServiceRequest",
        "interaction": [{"code": "create"}, {"code": "read"}, {"code": "search-type"}],
        "searchParam": [{"name": "identifier", "type": "token"}],
        "documentation": (
            "Une demande de télé-expertise : créée dans une transaction, suivie par son "
            "identifiant ; statut FHIR et statut détaillé de l'ESS (extension)."
        ),
    }
)
register_capability(
    {
        "type": "DiagnosticReport",
        "interaction": [{"code": "read"}, {"code": "search-type"}],
        "searchParam": [{"name": "based-on", "type": "reference"}],
        "documentation": "La réponse d'une demande, avec son PDF (presentedForm).",
    }
)
