"""Demo partners of the cardiology ESS of the Loiret, and conventions in several states: the
content is in `data.toml`, played through the partners' services, each step at its moment.

Idempotent: partners are found by name, conventions by title.
"""

from dataclasses import asdict, dataclass
from datetime import timedelta
from pathlib import Path
from typing import Annotated

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ess.demo_data import (
    Moment,
    OneOf,
    demo_clock,
    demo_data_load,
    demo_moment,
    moment_problems,
    unknown,
)
from ess.models import Specialty
from members.models import Organisation
from partners import services
from partners.demo.pdf import one_page_pdf
from partners.models import (
    PROTOCOL_KIND_CODES,
    Convention,
    ConventionKind,
    DocumentType,
    Partner,
    PartnerType,
    ProtocolTaskKind,
)

DATA_FILE = Path(__file__).with_name("data.toml")


@dataclass(frozen=True)
class ContactData:
    name: str
    role: str
    email: str
    newsletter: bool = False


@dataclass(frozen=True)
class PartnerData:
    key: str
    type: str
    name: str
    address: str
    commune: str
    contacts: tuple[ContactData, ...]
    finess: str = ""
    siret: str = ""
    departements: tuple[str, ...] = ()
    website: str = ""
    phone: str = ""
    referent: str = "direction"
    organisations: tuple[str, ...] = ()


@dataclass(frozen=True)
class TaskData:
    day: int
    kind: Annotated[str, OneOf(ProtocolTaskKind.values)]
    label: str
    instructions: str = ""


@dataclass(frozen=True)
class ProtocolData:
    """A protocol's people (demo accounts by their email's local part) and its task plan."""

    specialty: str
    eligibility: str
    doctors: tuple[str, ...]
    delegates: tuple[str, ...]
    tasks: tuple[TaskData, ...] = ()


@dataclass(frozen=True)
class ConventionData:
    title: str
    kind: str
    parties: tuple[str, ...]
    drafted: str
    referent: str = "direction"
    object: str = ""
    commitments: str = ""
    effective: int | None = None
    end: int | None = None
    evaluation: int | None = None
    negotiation: str = ""
    signed: str = ""
    terminated: str = ""
    reason: str = ""
    protocol: ProtocolData | None = None

    def check(self) -> list[str]:
        moments = (self.drafted, self.negotiation, self.signed, self.terminated)
        problems = moment_problems("moments", moments)
        if self.protocol and self.kind not in PROTOCOL_KIND_CODES:
            problems.append("protocol: only a protocol's convention has one")
        if self.signed and not self.negotiation:
            problems.append("signed: a convention is negotiated before it is signed")
        if bool(self.terminated) != bool(self.reason):
            problems.append("reason: a terminated convention says why, and only then")
        return problems


@dataclass(frozen=True)
class PartnersData:
    recorded: Moment
    partners: tuple[PartnerData, ...]
    conventions: tuple[ConventionData, ...]

    def check(self) -> list[str]:
        keys = [p.key for p in self.partners]
        parties = {key for c in self.conventions for key in c.parties}
        return unknown("conventions[].parties", parties, keys)


def load(path: Path = DATA_FILE) -> PartnersData:
    return demo_data_load(path, PartnersData)


def seed_partners_and_conventions(users: dict) -> dict:
    data = load()
    manager = users.get("direction")
    today = timezone.localdate()
    with demo_clock() as travel:
        travel(demo_moment(data.recorded, today=today))
        partners = {p.key: _partner(p, manager, users) for p in data.partners}
        conventions = [
            _convention(c, manager, users, partners, travel, today) for c in data.conventions
        ]
    return {"partners": partners, "conventions": conventions}


def _partner(p: PartnerData, manager, users: dict) -> Partner:
    partner = Partner.objects.filter(name=p.name).first()
    if partner:
        return partner
    identity = {name: getattr(p, name) for name in ("name", "finess", "siret", "address")}
    partner = services.partner_create(
        by=manager,
        type=PartnerType.objects.get(code=p.type),
        commune_id=p.commune,
        website=p.website,
        referent=users.get(p.referent),
        covered_departements=list(p.departements),
        organisations=list(Organisation.objects.filter(name__in=p.organisations)),
        **identity,
    )
    for contact in p.contacts:
        services.contact_add(partner_id=partner.pk, by=manager, phone=p.phone, **asdict(contact))
    return partner


def _convention(c: ConventionData, manager, users, partners, travel, today) -> Convention:
    """The convention's story up to today: drafted (with its draft), negotiated, signed (the
    signed copy first), put in force and expired by the daily job, or terminated."""
    convention = Convention.objects.filter(title=c.title).first()
    if convention:
        return convention

    def day(offset: int | None):
        return today + timedelta(days=offset) if offset is not None else None

    def at(moment: str):
        travel(demo_moment(moment, today=today))

    at(c.drafted)
    convention = services.convention_create(
        by=manager,
        parties=[partners[key] for key in c.parties],
        kind=ConventionKind.objects.get(code=c.kind),
        title=c.title,
        referent=users.get(c.referent),
        object=c.object,
        commitments=c.commitments,
        effective_on=day(c.effective),
        end_on=day(c.end),
        next_evaluation_on=day(c.evaluation),
    )
    pk = convention.pk
    if c.protocol:
        _protocol(pk, c.protocol, manager, users)
    if c.negotiation:
        _document(pk, manager, DocumentType.DRAFT, f"{c.title} - projet", "projet.pdf")
        at(c.negotiation)
        services.convention_submit_for_negotiation(convention_id=pk, by=manager)
    if c.signed:
        at(c.signed)
        signed = f"{c.title} - signee"
        _document(pk, manager, DocumentType.SIGNED, signed, "convention-signee.pdf")
        services.convention_sign(convention_id=pk, by=manager, signed_on=timezone.localdate())
        if c.effective is not None and c.effective <= 0:
            at(f"{c.effective:+d}d 06:00")
            services.convention_activate(convention_id=pk)
    if c.terminated:
        at(c.terminated)
        services.convention_terminate(convention_id=pk, by=manager, reason=c.reason)
    elif c.signed and c.end is not None and c.end < 0:
        at(f"{c.end + 1:+d}d 06:00")
        services.convention_expire(convention_id=pk)
    return Convention.objects.get(pk=pk)


def _protocol(convention_id: int, p: ProtocolData, manager, users: dict) -> None:
    """The protocol is described while its convention is drafted (a closed one is frozen)."""
    services.protocol_update(
        convention_id=convention_id,
        by=manager,
        specialty=Specialty.objects.get(code=p.specialty),
        eligibility=p.eligibility,
        delegating_doctors=[users[key] for key in p.doctors],
        delegates=[users[key] for key in p.delegates],
        task_templates=[
            services.TaskTemplateInput(t.label, t.kind, t.day, t.instructions) for t in p.tasks
        ],
    )


def _document(convention_id: int, by, doc_type: str, text: str, name: str) -> None:
    upload = SimpleUploadedFile(name, one_page_pdf(text), content_type="application/pdf")
    services.convention_document_add(
        convention_id=convention_id, by=by, doc_type=doc_type, upload=upload
    )
