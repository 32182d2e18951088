"""The referral a télé-expertise Bundle asks for (interop/fhir/intake.py): its resources read into
the API serializer's fields (every identity, commune, specialty, urgency and text rule), the
requester, the patient's consent and the attached files; every refusal, the serializer's and
the submission service's, reported at the FHIR element its field came from.
"""

import base64
import binascii
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from ess.validators import validate_rpps
from interop.fhir.intake_bundle import BundleRefused, Parsed, issue
from members.models import User
from referrals import permissions as referral_perms
from referrals import services
from referrals.api.serializers import ReferralInSerializer

# INS (the patient's national health identifier): NIR, and NIA for people without a NIR yet.
INS_SYSTEMS = ("urn:oid:1.2.250.1.213.1.4.8", "urn:oid:1.2.250.1.213.1.4.9")
# The national identifier of a health professional: "8" followed by the RPPS number.
RPPS_SYSTEM = "urn:oid:1.2.250.1.71.4.2.1"
BIRTH_PLACE_EXTENSION = "http://hl7.org/fhir/StructureDefinition/patient-birthPlace"
# ServiceRequest.priority, when the urgency extension does not give P1–P4.
PRIORITY_URGENCY = {"stat": "P1", "asap": "P2", "urgent": "P3", "routine": "P4"}

# Where each field of the referral comes from in its resource (for the path of a refusal).
PATIENT_ELEMENTS = {
    "ins": "identifier",
    "birth_name": "name",
    "first_names": "name",
    "used_name": "name",
    "sex": "gender",
    "birth_date": "birthDate",
    "birth_place_code": "extension",
    "commune": "address",
    "phone": "telecom",
    "gp_name": "generalPractitioner",
}
REQUEST_ELEMENTS = {
    "specialty": "performerType",
    "question": "reasonCode",
    "context": "note",
    "urgency": "priority",
    "preferred_response": "category",
}


def _code_in_address(address) -> str:
    """The INSEE code an Address carries in FR Core's extension (valueCoding or valueCode)."""
    url = settings.ESS_FHIR_URLS["insee_code_extension"]
    for extension in getattr(address, "extension", None) or []:
        if extension.url == url:
            if extension.valueCoding is not None:
                return extension.valueCoding.code or ""
            return extension.valueCode or extension.valueString or ""
    return ""


def _patient_fields(patient) -> dict:
    fields = {"ins": "", "used_name": "", "phone": "", "gp_name": "", "birth_place_code": ""}
    for identifier in patient.identifier or []:
        if identifier.system in INS_SYSTEMS and identifier.value:
            fields["ins"] = identifier.value
    names = patient.name or []
    official = next((n for n in names if n.use == "official"), names[0] if names else None)
    fields["birth_name"] = (official.family or "") if official else ""
    fields["first_names"] = " ".join(official.given or []) if official else ""
    usual = next((n for n in names if n.use == "usual" and n.family), None)
    if usual is not None:
        fields["used_name"] = usual.family
    fields["sex"] = {"female": "F", "male": "M"}.get(patient.gender or "", patient.gender or "")
    fields["birth_date"] = patient.birthDate.isoformat() if patient.birthDate else ""
    for extension in patient.extension or []:
        if extension.url == BIRTH_PLACE_EXTENSION and extension.valueAddress is not None:
            fields["birth_place_code"] = _code_in_address(extension.valueAddress)
    addresses = patient.address or []
    fields["commune"] = next((c for c in map(_code_in_address, addresses) if c), "")
    phone = next((t.value for t in patient.telecom or [] if t.system == "phone" and t.value), "")
    fields["phone"] = phone or ""
    gp = next((g.display for g in patient.generalPractitioner or [] if g.display), "")
    fields["gp_name"] = gp or ""
    return fields


def _urgency(request) -> str:
    url = settings.ESS_FHIR_URLS["urgency_extension"]
    for extension in request.extension or []:
        if extension.url == url:
            if extension.valueCoding is not None:
                return extension.valueCoding.code or ""
            return extension.valueCode or ""
    return PRIORITY_URGENCY.get(request.priority or "", "")


def _request_fields(request) -> dict:
    system = settings.ESS_FHIR_URLS["specialty_system"]
    concept = request.performerType
    codings = (concept.coding or []) if concept is not None else []
    specialty = next((c.code for c in codings if c.system == system and c.code), "")
    question = "\n".join(c.text for c in request.reasonCode or [] if c.text)
    context = "\n".join(n.text for n in request.note or [] if n.text)
    return {
        "specialty": specialty or "",
        "question": question,
        "context": context,
        "urgency": _urgency(request),
    }


@dataclass
class Requester:
    user: User | None
    rpps: str
    email: str
    phone: str
    index: int  # the Practitioner's entry


def _telecom(resources, system: str) -> str:
    for resource in resources:
        for telecom in getattr(resource, "telecom", None) or []:
            if telecom.system == system and telecom.value:
                return telecom.value
    return ""


def _requester(parsed: Parsed, request_index: int) -> Requester:
    """The professional the request is sent for: ServiceRequest.requester, a PractitionerRole
    (its practitioner) or a Practitioner, identified by "8" + RPPS."""
    request = parsed.resource(request_index)
    path = parsed.path(request_index, "requester")
    index = parsed.follow(request.requester, ("PractitionerRole", "Practitioner"), path)
    resources = [parsed.resource(index)]
    if resources[0].get_resource_type() == "PractitionerRole":
        index = parsed.follow(
            resources[0].practitioner,
            ("Practitioner",),
            parsed.path(index, "practitioner"),
        )
        resources.insert(0, parsed.resource(index))
    practitioner = resources[0]
    national = next(
        (
            i.value
            for i in practitioner.identifier or []
            if i.system == RPPS_SYSTEM and (i.value or "").startswith("8")
        ),
        "",
    )
    rpps = national[1:]
    if len(rpps) != 11 or not rpps.isdigit():
        raise BundleRefused(
            [
                issue(
                    "l'identifiant national du demandeur (système "
                    f"{RPPS_SYSTEM}, « 8 » suivi des 11 chiffres du RPPS) est requis.",
                    parsed.path(index, "identifier"),
                )
            ]
        )
    try:
        # A mistyped number is said as such, before the directory is asked about it.
        validate_rpps(rpps)
    except DjangoValidationError as refused:
        raise BundleRefused(
            [issue(" ".join(refused.messages), parsed.path(index, "identifier"))]
        ) from None
    user = (
        User.objects.filter(rpps=rpps, is_active=True)
        .order_by("pk")
        .prefetch_related("role_grants")
        .first()
    )
    if user is not None and not referral_perms.can_submit_referral(user):
        user = None
    return Requester(
        user=user,
        rpps=rpps,
        email=_telecom(resources, "email"),
        phone=_telecom(resources, "phone"),
        index=index,
    )


def _consent(parsed: Parsed, patient_index: int) -> bool:
    """The patient agreed to the sharing: an active Consent of the Bundle's patient that
    permits (provision.type absent or "permit")."""
    for index in parsed.indexes.get("Consent", []):
        consent = parsed.resource(index)
        if consent.status != "active":
            continue
        if consent.provision is not None and consent.provision.type not in (None, "permit"):
            continue
        if consent.patient is not None:
            target = parsed.by_reference.get(consent.patient.reference or "")
            if target != patient_index:
                raise BundleRefused(
                    [
                        issue(
                            "le consentement porte sur un autre patient que la demande.",
                            parsed.path(index, "patient"),
                        )
                    ]
                )
        return True
    return False


def _files(parsed: Parsed) -> list:
    """The DocumentReferences' inline attachments as uploads (checked like any upload later)."""
    files, issues = [], []
    for index in parsed.indexes.get("DocumentReference", []):
        document = parsed.resource(index)
        for position, content in enumerate(document.content or []):
            path = parsed.path(index, f"content[{position}].attachment.data")
            attachment = content.attachment
            if not attachment.data:
                issues.append(issue("le document est joint en base64 dans l'élément data.", path))
                continue
            raw = attachment.data  # the model decoded the base64 (and refused a broken one)
            if isinstance(raw, str):
                try:
                    raw = base64.b64decode(raw, validate=True)
                except (binascii.Error, ValueError):
                    issues.append(issue("contenu base64 illisible.", path))
                    continue
            name = attachment.title or document.description or f"document-{len(files) + 1}"
            files.append(
                SimpleUploadedFile(
                    name=name[:200], content=raw, content_type=attachment.contentType or ""
                )
            )
    if issues:
        raise BundleRefused(issues)
    return files


def _serializer_issues(parsed: Parsed, errors: dict, patient_index: int, request_index: int):
    """The API serializer's messages, each at the FHIR element its field came from."""
    issues = []
    for key, messages in errors.items():
        if key == "patient" and isinstance(messages, dict):
            for sub, texts in messages.items():
                element = PATIENT_ELEMENTS.get(sub, "")
                for text in texts:
                    issues.append(issue(str(text), parsed.path(patient_index, element)))
            continue
        element = REQUEST_ELEMENTS.get(key, "")
        for text in messages if isinstance(messages, list) else [messages]:
            issues.append(issue(str(text), parsed.path(request_index, element)))
    return issues


def service_issues(parsed: Parsed, exc: DjangoValidationError, indexes: dict) -> list[dict]:
    """A refusal of the submission service, each message at the element it is about."""
    documents = parsed.indexes.get("DocumentReference", [])
    consent = parsed.indexes.get("Consent", [])
    where = {
        **{k: parsed.path(indexes["patient"], v) for k, v in PATIENT_ELEMENTS.items()},
        **{k: parsed.path(indexes["request"], v) for k, v in REQUEST_ELEMENTS.items()},
        "consent": parsed.path(consent[0]) if consent else "Bundle.entry",
        "rpps": parsed.path(indexes["practitioner"], "identifier"),
        "email": parsed.path(indexes["practitioner"], "telecom"),
        "caller": parsed.path(indexes["request"], "requester"),
    }
    files_path = parsed.path(documents[0], "content") if documents else "Bundle.entry"
    if not hasattr(exc, "error_dict"):
        return [issue(m, files_path) for m in exc.messages]
    return [
        issue(message, where.get(key, files_path))
        for key, messages in exc.message_dict.items()
        for message in messages
    ]


def read_referral_input(parsed: Parsed) -> tuple[services.ReferralInput, Requester, dict]:
    """The referral the Bundle asks for, through the API serializer's checks; raises
    BundleRefused with every issue found."""
    patient_index = parsed.indexes["Patient"][0]
    request_index = parsed.indexes["ServiceRequest"][0]
    request = parsed.resource(request_index)
    parsed.follow(request.subject, ("Patient",), parsed.path(request_index, "subject"))
    if request.intent not in ("order", "original-order"):
        raise BundleRefused(
            [
                issue(
                    "seule une demande (intent « order ») est acceptée.",
                    parsed.path(request_index, "intent"),
                )
            ]
        )
    requester = _requester(parsed, request_index)
    indexes = {"patient": patient_index, "request": request_index, "practitioner": requester.index}
    consent = _consent(parsed, patient_index)
    if not consent:
        raise BundleRefused(
            [
                issue(
                    "le consentement du patient au partage est requis : une ressource "
                    "Consent active (provision.type « permit ») portant sur le patient.",
                    "Bundle.entry",
                    "required",
                )
            ]
        )
    body = {
        "patient": _patient_fields(parsed.resource(patient_index)),
        **_request_fields(request),
        "consent": consent,
        "referring_gp_name": "",
    }
    serializer = ReferralInSerializer(data=body)
    if not serializer.is_valid():
        raise BundleRefused(
            _serializer_issues(parsed, serializer.errors, patient_index, request_index)
        )
    return serializer.referral_input(files=_files(parsed)), requester, indexes


def platform_identifier(parsed: Parsed) -> tuple[str, str]:
    """The platform's own identifier of the request (ServiceRequest.identifier): the key of
    its idempotency and of its status search."""
    request_index = parsed.indexes["ServiceRequest"][0]
    ours = settings.ESS_FHIR_URLS["referral_identifier"]
    for identifier in parsed.resource(request_index).identifier or []:
        if identifier.system and identifier.value and identifier.system != ours:
            return identifier.system, identifier.value
    raise BundleRefused(
        [
            issue(
                "l'identifiant de la demande chez la plateforme (system et value) est requis : "
                "il rend un envoi répété sans effet et sert à suivre la demande.",
                parsed.path(request_index, "identifier"),
                "required",
            )
        ]
    )
