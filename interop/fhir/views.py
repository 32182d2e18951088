"""The base of every `/fhir/` endpoint, and the CapabilityStatement (`/fhir/metadata`)."""

from django.utils import timezone
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from pydantic import ValidationError as PydanticValidationError
from rest_framework import exceptions, status
from rest_framework.permissions import SAFE_METHODS, AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from ess.api_errors import exception_handler as api_exception_handler
from ess.audit import audit_record
from ess.models import AuditAction, AuditOutcome, Team
from interop.fhir.auth import (
    PlatformCertificateAuthentication,
    PlatformTokenAuthentication,
    calling_platform,
)
from interop.fhir.media import PARSERS, FhirJSONRenderer
from interop.fhir.outcome import outcome, outcome_of_validation

# DRF statuses → OperationOutcome.issue.code
_ISSUE_CODES = {
    400: "invalid",
    401: "login",
    403: "forbidden",
    404: "not-found",
    405: "not-supported",
    406: "not-supported",
    409: "conflict",
    412: "conflict",
    413: "too-long",
    415: "not-supported",
    422: "processing",
    429: "throttled",
}


def fhir_exception_handler(exc, context):
    """Every error of `/fhir/` as an OperationOutcome, with the API's French messages."""
    if isinstance(exc, PydanticValidationError):
        root = getattr(context.get("view"), "validated_root", "Resource")
        return Response(outcome_of_validation(root, exc), status=status.HTTP_400_BAD_REQUEST)
    response = api_exception_handler(exc, context)
    if response is None:
        return None
    texts = []
    data = response.data
    if isinstance(data, dict):
        for key, value in data.items():
            values = value if isinstance(value, list) else [value]
            prefix = "" if key in {"detail", "non_field_errors"} else f"{key} : "
            texts.extend(f"{prefix}{v}" for v in values)
    elif isinstance(data, list):
        texts = [str(v) for v in data]
    text = " ".join(texts) or str(exc)
    response.data = outcome(text, code=_ISSUE_CODES.get(response.status_code, "exception"))
    return response


class FhirView(APIView):
    """JSON FHIR in and out; errors as OperationOutcome; registered platforms (token or
    certificate) only: a person's API token or session is not authenticated here (401). A view
    a person may call (the access-trace search) adds their authentication."""

    renderer_classes = [FhirJSONRenderer]
    parser_classes = PARSERS
    authentication_classes = [PlatformTokenAuthentication, PlatformCertificateAuthentication]
    permission_classes = [IsAuthenticated]
    # Described by the CapabilityStatement (/fhir/metadata), not by the REST API's OpenAPI
    # document (/api/schema/), whose errors are plain JSON, not OperationOutcome.
    schema = None
    # The root of the FHIRPath of a validation error's element.
    validated_root = "Resource"

    def get_exception_handler(self):
        return fhir_exception_handler

    def finalize_response(self, request, response, *args, **kwargs):
        """Every call of a platform is in the audit trail: a call that named no object (a
        refused Bundle, a search that found nothing, the SAS's slot searches) is recorded as
        one line naming the platform, with the method, the resource and the HTTP status."""
        response = super().finalize_response(request, response, *args, **kwargs)
        platform = calling_platform(request)
        if platform is not None and not getattr(request, "audit_recorded", False):
            audit_record(
                request=request,
                action=AuditAction.VIEW if request.method in SAFE_METHODS else AuditAction.CREATE,
                obj=platform,
                label=f"{request.method} {type(self).__name__} {response.status_code}",
                outcome=AuditOutcome.REFUSED
                if response.status_code in (401, 403, 404)
                else AuditOutcome.ALLOWED,
            )
        return response

    def require_platform_scope(self, request, scope: str):
        """The calling platform, when it holds `scope`; a 403 otherwise."""
        platform = calling_platform(request)
        if platform is None or not platform.may(scope):
            raise exceptions.PermissionDenied(
                "Cette plateforme n'a pas le droit d'utiliser cette ressource."
            )
        return platform


# Filled by each resource's module: {"type": "ServiceRequest", "interaction": [...], ...}
CAPABILITY_RESOURCES: list[dict] = []


def register_capability(resource: dict) -> None:
    """A resource's entry in the CapabilityStatement (called once by its module at import)."""
    CAPABILITY_RESOURCES.append(resource)


class Metadata(FhirView):
    """`GET /fhir/metadata`: what this server does, open to anyone (FHIR clients read it
    before authenticating)."""

    permission_classes = [AllowAny]
    authentication_classes = []

    def get(self, request):
        base = request.build_absolute_uri("/fhir/").rstrip("/")
        team = Team.current()
        statement = CapabilityStatement.model_validate(
            {
                "resourceType": "CapabilityStatement",
                "status": "active",
                "date": timezone.now().isoformat(),
                "publisher": team.name if team else "ESS",
                "kind": "instance",
                "software": {"name": "ESS — guichet unique"},
                "implementation": {"description": "Guichet unique de l'ESS", "url": base},
                "fhirVersion": "4.0.1",
                "format": ["application/fhir+json", "json"],
                "rest": [
                    {
                        "mode": "server",
                        "security": {
                            "cors": False,
                            "description": (
                                "Plateformes raccordées : jeton (Authorization: Bearer) ou "
                                "certificat client (TLS mutuel). Professionnels de l'ESS, pour "
                                "AuditEvent seulement : jeton d'API (Authorization: Token)."
                            ),
                        },
                        "interaction": [{"code": "transaction"}],
                        "resource": sorted(CAPABILITY_RESOURCES, key=lambda r: r["type"]),
                    }
                ],
            }
        )
        return Response(statement)
