"""The demo association (data.toml): its legal identity, a held general assembly and a convened
one, and the current year's fees, played through the services at their moments. Idempotent:
the identity is written once, an assembly with the same agenda is not planned twice, a fee
already paid is not recorded again."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated

from django.utils import timezone

from association import services
from association.models import AssemblyKind, FeePayment, GeneralAssembly, LegalIdentity
from association.selectors import active_members
from ess.demo_data import Moment, OneOf, demo_clock, demo_data_load, demo_moment
from members.demo import DEMO_DOMAIN
from members.models import User


@dataclass(frozen=True)
class IdentityData:
    rna: str
    siret: str
    seat_address: str
    signatory_name: str
    signatory_function: str
    recorded_by: str


@dataclass(frozen=True)
class ResolutionData:
    title: str
    votes_for: int
    votes_against: int
    abstentions: int = 0
    text: str = ""


@dataclass(frozen=True)
class AssemblyData:
    kind: Annotated[str, OneOf(AssemblyKind.values)]
    planned: Moment
    convened: Moment
    starts: Moment
    agenda: str
    place: str = ""
    video_url: str = ""
    present: tuple[str, ...] = ()
    # [represented member, the present member holding the proxy]
    proxies: tuple[tuple[str, str], ...] = ()
    resolutions: tuple[ResolutionData, ...] = ()
    minutes_notes: str = ""


@dataclass(frozen=True)
class FeesData:
    amount: str
    recorded_by: str
    first_paid: Moment
    paid: tuple[str, ...]
    means: tuple[str, ...]


@dataclass(frozen=True)
class AssociationData:
    identity: IdentityData
    assemblies: tuple[AssemblyData, ...]
    fees: FeesData


DATA_FILE = Path(__file__).with_name("data.toml")


def load(path: Path = DATA_FILE) -> AssociationData:
    return demo_data_load(path, AssociationData)


def _members_by_local() -> dict[str, int]:
    suffix = f"@{DEMO_DOMAIN}"
    return {
        m.email.removesuffix(suffix): m.pk
        for m in active_members().filter(email__iendswith=suffix).only("pk", "email")
    }


def seed_association(users: dict[str, User]) -> dict:
    data = load()
    today = timezone.localdate()
    members = _members_by_local()
    if LegalIdentity.current() is None:
        identity = data.identity
        services.legal_identity_update(
            by=users[identity.recorded_by],
            rna=identity.rna,
            siret=identity.siret,
            seat_address=identity.seat_address,
            signatory_name=identity.signatory_name,
            signatory_function=identity.signatory_function,
        )
    assemblies = [_seed_assembly(a, users["direction"], members, today) for a in data.assemblies]
    payments = _seed_fees(data.fees, users, members, today)
    return {"assemblies": assemblies, "fee_payments": payments}


def _seed_assembly(data: AssemblyData, by: User, members: dict[str, int], today):
    starts = demo_moment(data.starts, today=today)
    existing = GeneralAssembly.objects.filter(kind=data.kind, agenda=data.agenda).first()
    if existing is not None:
        return existing
    with demo_clock() as travel:
        travel(demo_moment(data.planned, today=today))
        assembly = services.assembly_create(
            by=by,
            kind=data.kind,
            starts_at=starts,
            place=data.place,
            video_url=data.video_url,
            agenda=data.agenda,
        )
        travel(demo_moment(data.convened, today=today))
        services.assembly_convene(assembly_id=assembly.pk, by=by)
        if starts > timezone.now() + timedelta(days=1) and not data.present:
            return assembly
        travel(starts)
        for local in data.present:
            services.attendance_record(assembly_id=assembly.pk, by=by, membership_id=members[local])
        for represented, holder in data.proxies:
            services.attendance_record(
                assembly_id=assembly.pk,
                by=by,
                membership_id=members[represented],
                proxy_holder_id=members[holder],
            )
        for resolution in data.resolutions:
            travel(starts + timedelta(minutes=30))
            services.resolution_record(
                assembly_id=assembly.pk,
                by=by,
                title=resolution.title,
                text=resolution.text,
                votes_for=resolution.votes_for,
                votes_against=resolution.votes_against,
                abstentions=resolution.abstentions,
            )
        if data.minutes_notes:
            services.assembly_update(
                assembly_id=assembly.pk,
                by=by,
                kind=assembly.kind,
                starts_at=assembly.starts_at,
                place=assembly.place,
                video_url=assembly.video_url,
                agenda=assembly.agenda,
                quorum=assembly.quorum,
                max_proxies=assembly.max_proxies,
                minutes_notes=data.minutes_notes,
            )
        travel(starts + timedelta(hours=2))
        services.assembly_hold(assembly_id=assembly.pk, by=by)
    assembly.refresh_from_db()
    return assembly


def _seed_fees(data: FeesData, users, members: dict[str, int], today) -> list[FeePayment]:
    by = users[data.recorded_by]
    first = demo_moment(data.first_paid, today=today)
    year = today.year
    payments = []
    with demo_clock() as travel:
        travel(first - timedelta(days=10))
        services.fee_year_set(by=by, year=year, amount=data.amount)
        paid = set(
            FeePayment.objects.filter(fee_year__year=year).values_list("membership_id", flat=True)
        )
        for n, local in enumerate(data.paid):
            if local not in members or members[local] in paid:
                continue
            at = first + timedelta(days=3 * n)
            if at.year != year:  # seeded early in January: paid since the year began
                at = min(timezone.make_aware(datetime(year, 1, 1, 9, 0)), timezone.now())
            travel(at)
            payments.append(
                services.fee_payment_record(
                    by=by,
                    year=year,
                    membership_id=members[local],
                    paid_on=timezone.localdate(at),
                    means=data.means[n % len(data.means)],
                )
            )
    return payments
