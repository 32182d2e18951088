"""Demo data: a cardiology ESS in the Loiret. Idempotent (get_or_create on natural keys).

Each app adds its part in SEEDERS; `seed_demo` runs them in order.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from django.db import transaction
from django.utils import timezone

from association.demo import seed_association
from ess.demo_data import OneOf, demo_data_load, demo_past_settled, unknown
from ess.models import Departement, Specialty, Team
from ess.roles import Institution, Role
from events.demo import seed_events
from finance.demo import seed_finance
from meetings.demo import seed_meetings
from members.demo import demo_email, demo_user, seed_members
from members.models import Organisation, OrganisationKind, Profession, User
from members.services import institution_set, roles_grant
from members.services.directory_import import SAMPLE_FILE, directory_import
from partners.demo import seed_partners_and_conventions
from pathways.demo import seed_pathways
from projet_sante.indicators.demo import seed_indicators, seed_transmissions
from projet_sante.newsletter.demo import seed_newsletters
from projet_sante.project.demo import seed_health_project
from referrals.booking.demo import seed_consultations
from referrals.demo import seed_immediate_opinions, seed_referrals
from scheduling.demo import (
    seed_nurse_led_plan,
    seed_on_call,
    seed_opening_hours,
    seed_sas_opening,
    seed_slots,
)

__all__ = ["DEMO_ACCOUNTS", "demo_email", "seed_accounts", "seed_demo", "seed_team"]

DATA_FILE = Path(__file__).with_name("demo_accounts.toml")


@dataclass(frozen=True)
class TeamData:
    # name, short name, email, phone, address, presentation, hours, labelled_on (YYYY-MM-DD)
    details: dict[str, str]
    specialties: tuple[str, ...]
    departements: tuple[str, ...]


@dataclass(frozen=True)
class OrganisationData:
    name: str
    kind: Annotated[str, OneOf(OrganisationKind.values)]
    commune: str


INSTITUTIONS = Institution.values


@dataclass(frozen=True)
class AccountData:
    name: tuple[str, str]
    profession: Annotated[str, OneOf(Profession.values)]
    roles: tuple[str, ...]
    specialty: str = ""
    organisation: str = ""
    rpps: str = ""
    institution: str = ""  # an authority account's: ars, cpam

    def check(self) -> list[str]:
        institutions = [self.institution] if self.institution else []
        return unknown("roles", self.roles, Role.values) + unknown(
            "institution", institutions, Institution.values
        )


@dataclass(frozen=True)
class AccountsData:
    team: TeamData
    organisations: dict[str, OrganisationData]
    accounts: dict[str, AccountData]

    def check(self) -> list[str]:
        used = {a.organisation for a in self.accounts.values() if a.organisation}
        return unknown("accounts.*.organisation", used, self.organisations)


def load(path: Path = DATA_FILE) -> AccountsData:
    return demo_data_load(path, AccountsData)


# The demo accounts, by the local part of their email: a public contract.
DEMO_ACCOUNTS = load().accounts


def seed_team() -> Team:
    data = load().team
    team, _ = Team.objects.get_or_create(pk=1, defaults=data.details)
    # A team seeded before these fields existed gets them; text someone edited stays.
    missing = [f for f in ("presentation", "opening_hours", "labelled_on") if not getattr(team, f)]
    for field in missing:
        empty = None if field == "labelled_on" else ""
        setattr(team, field, data.details.get(field) or empty)
    if missing:
        team.save(update_fields=missing)
    team.specialties.add(*Specialty.objects.filter(code__in=data.specialties))
    team.departements.add(*Departement.objects.filter(code__in=data.departements))
    return team


def seed_accounts() -> dict[str, User]:
    data = load()
    organisations = {}
    for key, org in data.organisations.items():
        organisations[key], _ = Organisation.objects.get_or_create(
            name=org.name, defaults={"kind": org.kind, "commune_id": org.commune}
        )
    users = {}
    for local, account in data.accounts.items():
        first_name, last_name = account.name
        users[local] = demo_user(
            local,
            first_name=first_name,
            last_name=last_name,
            profession=account.profession,
            specialty=account.specialty,
            rpps=account.rpps,
            organisation=organisations.get(account.organisation),
        )
        roles_grant(user=users[local], roles=[Role(role) for role in account.roles])
        if account.institution:
            institution_set(user=users[local], institution=account.institution)
    return users


SEEDERS = [
    lambda ctx: ctx.update(team=seed_team()),
    lambda ctx: ctx.update(users=seed_accounts()),
    # Before the referrals: due times counted in opening hours need them.
    lambda ctx: seed_opening_hours(ctx["users"]["direction"]),
    lambda ctx: ctx.update(members=seed_members(ctx["users"])),
    # The sample national directory: professionals may self-register (/inscription/).
    lambda ctx: ctx.update(directory=directory_import(path=SAMPLE_FILE)),
    lambda ctx: seed_slots(
        m.user for m in ctx["members"].values() if Role.SPECIALIST in m.user.roles
    ),
    lambda ctx: ctx.update(referrals=seed_referrals(ctx["users"])),
    lambda ctx: ctx.update(partners=seed_partners_and_conventions(ctx["users"])),
    lambda ctx: ctx.update(newsletters=seed_newsletters()),
    # Advanced consultations: after partners (the sites' hosts) and referrals.
    lambda ctx: ctx.update(consultations=seed_consultations(ctx["users"])),
    # The IPA's nurse-led consultation: after the sites and the protocol it runs under, and
    # after the demo referrals were booked (it takes none).
    lambda ctx: ctx.update(nurse_led=seed_nurse_led_plan(ctx["users"])),
    # What the SAS sees through /fhir/Slot: a cardiologist's office slots and sessions to come.
    lambda ctx: ctx.update(sas_opening=seed_sas_opening(ctx["users"])),
    # On-call rosters: after the advanced consultations, which their rotation works around.
    lambda ctx: ctx.update(on_call=seed_on_call(ctx["users"])),
    # Immediate opinions to the cardiologist on call, through the services: after the roster,
    # whose shifts they fall in (older ones get the afternoon shift they were asked in).
    lambda ctx: ctx.update(immediate_opinions=seed_immediate_opinions(ctx["users"])),
    # Care pathways: after the referrals they open from and the partners' protocol they follow.
    lambda ctx: ctx.update(pathways=seed_pathways(ctx["users"])),
    # Case meetings: after the pathways and referrals they discuss.
    lambda ctx: ctx.update(meetings=seed_meetings(ctx["users"])),
    # Trainings, campaigns, ETP and residents: before the health project, whose actions point
    # to the campaigns.
    lambda ctx: ctx.update(events=seed_events(ctx["users"])),
    # Funding: the ARS's grants, this year's budget, expenses and the paid time's rates.
    lambda ctx: ctx.update(finance=seed_finance(ctx["users"])),
    # The association: its identity, general assemblies and fees, once the members are in.
    lambda ctx: ctx.update(association=seed_association(ctx["users"])),
    lambda ctx: ctx.update(health_project=seed_health_project(ctx["users"])),
    # Last: the indicator snapshots freeze the quarters of everything seeded above.
    lambda ctx: ctx.update(indicator_snapshots=seed_indicators()),
    # The last closed quarter's report sent to the ARS: rendered from the frozen snapshot.
    lambda ctx: ctx.update(transmissions=seed_transmissions(ctx["users"])),
]


def seed_demo() -> dict:
    ctx: dict = {}
    started = timezone.now()
    with transaction.atomic():
        for seeder in SEEDERS:
            seeder(ctx)
        demo_past_settled(before=started)
    return ctx
