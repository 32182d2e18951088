"""A realistic télé-expertise transaction Bundle, built resource by resource with the
`fhir.resources` models (each validated as it is built), as a platform would send it."""

import base64

from fhir.resources.R4B.bundle import Bundle, BundleEntry, BundleEntryRequest
from fhir.resources.R4B.consent import Consent
from fhir.resources.R4B.documentreference import DocumentReference
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.practitioner import Practitioner
from fhir.resources.R4B.practitionerrole import PractitionerRole
from fhir.resources.R4B.servicerequest import ServiceRequest

from tests.factories import valid_nir

NIR = valid_nir("2690545234157")  # a woman born in May 1969 in Orléans (45234)
PLATFORM_SYSTEM = "https://plateforme-regionale.example.org/demandes"
INSEE = "https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-address-insee-code"
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n"
    b"0000000101 00000 n \ntrailer<</Size 4/Root 1 0 R>>\nstartxref\n166\n%%EOF\n"
)

SR, PAT, PRAC, ROLE, DOC, CONSENT = (
    f"urn:uuid:0b6d9a3e-1c2f-4d5e-8a9b-00000000000{n}" for n in range(1, 7)
)


def _insee(code: str) -> dict:
    return {
        "url": INSEE,
        "valueCoding": {
            "system": "https://mos.esante.gouv.fr/NOS/TRE_R13-CommuneOM/FHIR/TRE-R13-CommuneOM",
            "code": code,
        },
    }


def _entry(full_url: str, resource) -> BundleEntry:
    kind = resource.get_resource_type()
    return BundleEntry(
        fullUrl=full_url, resource=resource, request=BundleEntryRequest(method="POST", url=kind)
    )


def teleexpertise_bundle(
    *,
    identifier: str = "DEM-2026-0001",
    rpps: str = "10000000009",
    email: str = "claire.martin@exemple.fr",
    birth_date: str = "1969-05-12",
    ins: str = NIR,
    specialty: str = "cardiologie",
    urgency: str = "P2",
    pdf: bytes | None = PDF_BYTES,
    consent: bool = True,
) -> Bundle:
    patient = Patient(
        identifier=[
            {
                "use": "official",
                "type": {
                    "coding": [
                        {
                            "system": "https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0203",
                            "code": "INS-NIR",
                        }
                    ]
                },
                "system": "urn:oid:1.2.250.1.213.1.4.8",
                "value": ins,
            }
        ],
        name=[{"use": "official", "family": "DURAND", "given": ["JEANNE", "MARIE"]}],
        gender="female",
        birthDate=birth_date,
        telecom=[{"system": "phone", "value": "06 12 34 56 78"}],
        address=[
            {
                "use": "home",
                "city": "Orléans",
                "postalCode": "45000",
                "extension": [_insee("45234")],
            }
        ],
        extension=[
            {
                "url": "http://hl7.org/fhir/StructureDefinition/patient-birthPlace",
                "valueAddress": {"city": "Orléans", "extension": [_insee("45234")]},
            }
        ],
    )
    practitioner = Practitioner(
        identifier=[{"system": "urn:oid:1.2.250.1.71.4.2.1", "value": f"8{rpps}"}],
        name=[{"family": "MARTIN", "given": ["Claire"], "prefix": ["Dr"]}],
        telecom=[{"system": "email", "value": email}, {"system": "phone", "value": "0238000000"}],
    )
    role = PractitionerRole(
        practitioner={"reference": PRAC},
        organization={"display": "Maison de santé des Carmes"},
        code=[{"text": "Médecin généraliste"}],
    )
    request = ServiceRequest(
        identifier=[{"system": PLATFORM_SYSTEM, "value": identifier}],
        status="active",
        intent="order",
        priority="asap",
        extension=[{"url": "urn:ess:fhir:extension:urgence", "valueCode": urgency}],
        category=[{"text": "Télé-expertise"}],
        code={"text": "Demande d'avis spécialisé"},
        performerType={"coding": [{"system": "urn:ess:specialite", "code": specialty}]},
        subject={"reference": PAT},
        requester={"reference": ROLE},
        authoredOn="2026-12-04T09:30:00+01:00",
        reasonCode=[
            {"text": "Palpitations à l'effort depuis 3 semaines : avis sur la conduite à tenir ?"}
        ],
        note=[{"text": "HTA traitée par amlodipine. ECG joint."}],
        supportingInfo=[{"reference": DOC}] if pdf else None,
    )
    entries = [
        _entry(SR, request),
        _entry(PAT, patient),
        _entry(PRAC, practitioner),
        _entry(ROLE, role),
    ]
    if pdf:
        entries.append(
            _entry(
                DOC,
                DocumentReference(
                    status="current",
                    subject={"reference": PAT},
                    description="ECG de repos",
                    content=[
                        {
                            "attachment": {
                                "contentType": "application/pdf",
                                "title": "ecg.pdf",
                                "data": base64.b64encode(pdf).decode(),
                            }
                        }
                    ],
                ),
            )
        )
    if consent:
        entries.append(
            _entry(
                CONSENT,
                Consent(
                    status="active",
                    scope={
                        "coding": [
                            {
                                "system": "http://terminology.hl7.org/CodeSystem/consentscope",
                                "code": "patient-privacy",
                            }
                        ]
                    },
                    category=[{"coding": [{"system": "http://loinc.org", "code": "59284-0"}]}],
                    patient={"reference": PAT},
                    provision={"type": "permit"},
                ),
            )
        )
    return Bundle(
        type="transaction",
        identifier={"system": PLATFORM_SYSTEM + "/lots", "value": f"lot-{identifier}"},
        entry=entries,
    )


def as_json(bundle: Bundle) -> str:
    return bundle.model_dump_json(exclude_none=True)
