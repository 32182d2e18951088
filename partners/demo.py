"""Demo partners of the cardiology ESS of the Loiret, and conventions in several states.

Fictitious structures with valid-looking identifiers (FINESS and SIRET with correct keys, not real
ones). Dates are relative to today so that the demo always shows conventions in force, one about
to take effect, one near its end (reminders), an expired one and a terminated one.
Idempotent: partners are found by name, conventions by title.
"""

import hashlib
from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from members.models import Organisation
from partners.models import (
    Contact,
    Convention,
    ConventionDocument,
    ConventionEvent,
    ConventionEventKind,
    ConventionKind,
    ConventionStatus,
    DocumentType,
    Partner,
    PartnerType,
)

# key → (type code, name, FINESS, SIRET, address, commune, covered départements, website)
PARTNERS = {
    "cpts": (
        "cpts",
        "CPTS du Grand Orléans",
        "",
        "80123456800013",
        "12 rue des Carmes",
        "45234",
        ["45"],
        "https://cpts-grand-orleans.example.org",
    ),
    "msp": (
        "msp",
        "Maison de santé de Meung-sur-Loire",
        "450102033",
        "",
        "3 place du Martroi",
        "45203",
        [],
        "",
    ),
    "dac": (
        "dac",
        "DAC du Loiret — Appui Santé 45",
        "",
        "78912345200011",
        "40 boulevard Alexandre Martin",
        "45234",
        ["45"],
        "https://appui-sante45.example.org",
    ),
    "chr": (
        "chr",
        "Centre hospitalier régional d'Orléans",
        "450000120",
        "26812345200016",
        "14 avenue de l'Hôpital",
        "45234",
        ["45"],
        "https://chr.example.org",
    ),
    "ehpad": (
        "ehpad",
        "EHPAD Les Tilleuls",
        "450203047",
        "",
        "8 allée des Tilleuls",
        "45208",
        [],
        "",
    ),
}

CONTACTS = {
    "cpts": [
        ("Julie Moreau", "Coordinatrice", "coordination@cpts-grand-orleans.example.org", "", True),
        ("Dr Paul Garnier", "Président", "president@cpts-grand-orleans.example.org", "", True),
    ],
    "msp": [("Dr Hugo Lefèvre", "Médecin coordinateur", "msp-meung@example.org", "", True)],
    "dac": [("Amélie Roux", "Directrice", "direction@appui-sante45.example.org", "", False)],
    "chr": [
        ("Dr Louis Fontaine", "Chef du service de cardiologie", "cardio@chr.example.org", "", True),
        ("Sandrine Blanc", "Direction des coopérations", "cooperations@chr.example.org", "", False),
    ],
    "ehpad": [("Marie Lopez", "Infirmière coordinatrice", "idec@tilleuls.example.org", "", True)],
}
PHONES = {"cpts": "02 38 11 22 33", "msp": "02 38 44 55 66", "dac": "02 38 77 88 99"}


def _pdf(text: str) -> bytes:
    """A one-page PDF saying `text` (ASCII): the demo's signed copies."""
    safe = text.encode("ascii", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 14 Tf 60 760 Td (" + safe + b") Tj ET"
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R"
        b"/Resources<</Font<</F1 5 0 R>>>>>>",
        b"<</Length " + str(len(stream)).encode() + b">>stream\n" + stream + b"\nendstream",
        b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj".encode() + body + b"endobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer<</Size {len(objects) + 1}/Root 1 0 R>>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def seed_partners(users: dict) -> dict[str, Partner]:
    manager, coordinator = users.get("direction"), users.get("coordination")
    partners = {}
    for key, (type_code, name, finess, siret, address, commune, deps, website) in PARTNERS.items():
        partner, created = Partner.objects.get_or_create(
            name=name,
            defaults={
                "type": PartnerType.objects.get(code=type_code),
                "finess": finess,
                "siret": siret,
                "address": address,
                "commune_id": commune,
                "website": website,
                "referent": coordinator if key == "dac" else manager,
            },
        )
        if created:
            partner.covered_departements.set(deps)
            for contact_name, role, email, phone, newsletter in CONTACTS[key]:
                Contact.objects.create(
                    partner=partner,
                    name=contact_name,
                    role=role,
                    email=email,
                    phone=phone or PHONES.get(key, ""),
                    newsletter=newsletter,
                )
        partners[key] = partner
    # Requesters' organisations belong to partner records: where the demo requests come from.
    Organisation.objects.filter(name="Maison de santé de Meung-sur-Loire", partner=None).update(
        partner=partners["msp"]
    )
    Organisation.objects.filter(name="Cabinet médical des Carmes", partner=None).update(
        partner=partners["cpts"]
    )
    return partners


def _convention(title, kind, parties, referent, status, dates, *, reason="", obj="", commit=""):
    today = timezone.localdate()
    signed, effective, end, evaluation = (
        today + timedelta(days=d) if d is not None else None for d in dates
    )
    convention, created = Convention.objects.get_or_create(
        title=title,
        defaults={
            "kind": ConventionKind.objects.get(code=kind),
            "referent": referent,
            "status": status,
            "signed_on": signed,
            "effective_on": effective,
            "end_on": end,
            "next_evaluation_on": evaluation,
            "termination_reason": reason,
            "object": obj,
            "commitments": commit,
            "created_by": referent,
        },
    )
    if not created:
        return convention
    convention.parties.set(parties)
    start = timezone.now() - timedelta(days=-(dates[0] or 0) + 60)
    ConventionEvent.objects.create(
        convention=convention,
        actor=referent,
        kind=ConventionEventKind.CREATED,
        to_status=ConventionStatus.DRAFT,
        at=start,
    )
    path = {
        ConventionStatus.DRAFT: [],
        ConventionStatus.NEGOTIATION: [ConventionStatus.NEGOTIATION],
        ConventionStatus.SIGNED: [ConventionStatus.NEGOTIATION, ConventionStatus.SIGNED],
        ConventionStatus.ACTIVE: [
            ConventionStatus.NEGOTIATION,
            ConventionStatus.SIGNED,
            ConventionStatus.ACTIVE,
        ],
        ConventionStatus.EXPIRED: [
            ConventionStatus.NEGOTIATION,
            ConventionStatus.SIGNED,
            ConventionStatus.ACTIVE,
            ConventionStatus.EXPIRED,
        ],
        ConventionStatus.TERMINATED: [
            ConventionStatus.NEGOTIATION,
            ConventionStatus.SIGNED,
            ConventionStatus.ACTIVE,
            ConventionStatus.TERMINATED,
        ],
    }[status]
    previous = ConventionStatus.DRAFT
    for step, to in enumerate(path, start=1):
        ConventionEvent.objects.create(
            convention=convention,
            actor=None if to == ConventionStatus.EXPIRED else referent,
            from_status=previous,
            to_status=to,
            note=reason if to == ConventionStatus.TERMINATED else "",
            at=start + timedelta(days=20 * step),
        )
        previous = to
    drafts = [DocumentType.DRAFT] if status != ConventionStatus.DRAFT else []
    if ConventionStatus.SIGNED in path:
        drafts.append(DocumentType.SIGNED)
    for doc_type in drafts:
        content = _pdf(f"{title} - {'signee' if doc_type == 'signed' else 'projet'}")
        document = ConventionDocument(
            convention=convention,
            doc_type=doc_type,
            version=1,
            original_name=f"{'convention-signee' if doc_type == 'signed' else 'projet'}.pdf",
            content_type="application/pdf",
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            uploaded_by=referent,
        )
        document.file.save(document.public_id.hex, ContentFile(content), save=False)
        document.save()
    return convention


def seed_conventions(users: dict, partners: dict[str, Partner]) -> list[Convention]:
    manager, coordinator = users.get("direction"), users.get("coordination")
    p = partners
    s = ConventionStatus
    # dates: (signed, effective, end, next evaluation) in days from today
    return [
        _convention(
            "Convention de partenariat ESS – CPTS du Grand Orléans",
            "partenariat",
            [p["cpts"]],
            manager,
            s.ACTIVE,
            (-420, -400, 60, 25),
            obj="Organiser l'accès des patients du territoire aux avis cardiologiques.",
            commit="La CPTS relaie le guichet unique auprès de ses membres ; l'ESS répond aux "
            "demandes de soins non programmés sous 48 heures.",
        ),
        _convention(
            "Accueil des consultations avancées de cardiologie à Meung-sur-Loire",
            "consultation-avancee",
            [p["msp"]],
            manager,
            s.ACTIVE,
            (-200, -180, 900, 160),
            obj="Une demi-journée de consultation de cardiologie par semaine dans la MSP.",
            commit="La MSP met à disposition un cabinet équipé (ECG) et le secrétariat ; "
            "l'ESS assure la rotation des cardiologues.",
        ),
        _convention(
            "Protocole d'organisation des parcours complexes (DAC – CPTS – ESS)",
            "protocole-organisation",
            [p["dac"], p["cpts"]],
            coordinator,
            s.NEGOTIATION,
            (None, None, None, None),
            obj="Orientation des patients en insuffisance cardiaque en situation complexe.",
        ),
        _convention(
            "Convention de télé-expertise avec le CHR d'Orléans",
            "tele-expertise",
            [p["chr"]],
            manager,
            s.SIGNED,
            (-10, 20, 1095, 365),
            obj="Recours aux cardiologues hospitaliers pour les avis de deuxième niveau.",
        ),
        _convention(
            "Convention de télé-expertise CHR 2022-2025",
            "tele-expertise",
            [p["chr"]],
            manager,
            s.EXPIRED,
            (-1200, -1180, -100, None),
        ),
        _convention(
            "Protocole de coopération ESS – EHPAD Les Tilleuls",
            "protocole-cooperation",
            [p["ehpad"]],
            manager,
            s.DRAFT,
            (None, None, None, None),
            obj="Télé-expertise cardiologique pour les résidents, sur demande de l'IDEC.",
        ),
        _convention(
            "Convention de partenariat EHPAD Les Tilleuls 2024",
            "partenariat",
            [p["ehpad"]],
            manager,
            s.TERMINATED,
            (-600, -590, 500, None),
            reason="Remplacée par le protocole de coopération en cours de rédaction.",
        ),
    ]


def seed_partners_and_conventions(users: dict) -> dict:
    partners = seed_partners(users)
    return {"partners": partners, "conventions": seed_conventions(users, partners)}
