"""Demo data: a cardiology ESS in the Loiret. Idempotent (get_or_create on natural keys).

Each app adds its part in SEEDERS; `seed_demo` runs them in order.
"""

from django.db import transaction
from django.utils import timezone

from ess.demo_data import demo_past_settled
from ess.models import Departement, Specialty, Team
from ess.roles import Role
from members.demo import demo_email, demo_user, seed_members
from members.models import Organisation, OrganisationKind, Profession, User
from members.services import roles_grant
from partners.demo import seed_partners_and_conventions
from projet_sante.indicators.demo import seed_indicators
from projet_sante.newsletter.demo import seed_newsletters
from projet_sante.project.demo import seed_health_project
from referrals.booking.demo import seed_consultations
from referrals.demo import seed_referrals
from scheduling.demo import seed_slots

__all__ = ["DEMO_ACCOUNTS", "demo_email", "seed_accounts", "seed_demo", "seed_team"]

# email local part → (first name, last name, profession, specialty code, roles, organisation key)
DEMO_ACCOUNTS = {
    "medecin": (
        "Claire",
        "Martin",
        Profession.PHYSICIAN,
        "medecine-generale",
        [Role.REQUESTER],
        "carmes",
    ),
    "medecin2": (
        "Hugo",
        "Lefèvre",
        Profession.PHYSICIAN,
        "medecine-generale",
        [Role.REQUESTER],
        "meung",
    ),
    "coordination": ("Sophie", "Bernard", Profession.COORDINATOR, None, [Role.COORDINATOR], None),
    "cardiologue": (
        "Antoine",
        "Dubois",
        Profession.PHYSICIAN,
        "cardiologie",
        [Role.SPECIALIST],
        None,
    ),
    "cardiologue2": (
        "Nadia",
        "Benali",
        Profession.PHYSICIAN,
        "cardiologie",
        [Role.SPECIALIST],
        None,
    ),
    "direction": (
        "Marc",
        "Rousseau",
        Profession.PHYSICIAN,
        "cardiologie",
        [Role.MANAGER, Role.SPECIALIST],
        None,
    ),
    "ars": ("Isabelle", "Petit", Profession.ADMINISTRATIVE, None, [Role.AUTHORITY], "ars"),
}

# Valid (Luhn) RPPS numbers for the demo physicians: fictitious, never real people's.
DEMO_RPPS = {
    "medecin": "10000000009",
    "medecin2": "10000000017",
    "cardiologue": "10000000025",
    "cardiologue2": "10000000033",
    "direction": "10000000041",
}

ORGANISATIONS = {
    "carmes": ("Cabinet médical des Carmes", OrganisationKind.PRACTICE, "45234"),
    "meung": ("Maison de santé de Meung-sur-Loire", OrganisationKind.MSP, "45203"),
    "ars": ("ARS Centre-Val de Loire — DD du Loiret", OrganisationKind.AUTHORITY, "45234"),
}


def seed_team() -> Team:
    team, _ = Team.objects.get_or_create(
        pk=1,
        defaults={
            "name": "ESS Cardiologie du Loiret",
            "short_name": "ESS Cardio 45",
            "email": "contact@ess-cardio45.example.org",
            "phone": "02 38 00 00 00",
            "address": "1 rue de la République, 45000 Orléans",
        },
    )
    team.specialties.add(*Specialty.objects.filter(code="cardiologie"))
    team.departements.add(*Departement.objects.filter(code="45"))
    return team


def seed_accounts() -> dict[str, User]:
    organisations = {}
    for key, (name, kind, commune) in ORGANISATIONS.items():
        organisations[key], _ = Organisation.objects.get_or_create(
            name=name, defaults={"kind": kind, "commune_id": commune}
        )
    users = {}
    for local, (first, last, profession, specialty, roles, org) in DEMO_ACCOUNTS.items():
        users[local] = demo_user(
            local,
            first_name=first,
            last_name=last,
            profession=profession,
            specialty=specialty,
            rpps=DEMO_RPPS.get(local, ""),
            organisation=organisations.get(org),
        )
        roles_grant(user=users[local], roles=roles)
    return users


SEEDERS = [
    lambda ctx: ctx.update(team=seed_team()),
    lambda ctx: ctx.update(users=seed_accounts()),
    lambda ctx: ctx.update(members=seed_members(ctx["users"])),
    lambda ctx: seed_slots(
        m.user for m in ctx["members"].values() if Role.SPECIALIST in m.user.roles
    ),
    lambda ctx: ctx.update(referrals=seed_referrals(ctx["users"])),
    lambda ctx: ctx.update(partners=seed_partners_and_conventions(ctx["users"])),
    lambda ctx: ctx.update(newsletters=seed_newsletters()),
    # Advanced consultations: after partners (the sites' hosts) and referrals.
    lambda ctx: ctx.update(consultations=seed_consultations(ctx["users"])),
    lambda ctx: ctx.update(health_project=seed_health_project(ctx["users"])),
    # Last: the indicator snapshots freeze the quarters of everything seeded above.
    lambda ctx: ctx.update(indicator_snapshots=seed_indicators()),
]


def seed_demo() -> dict:
    ctx: dict = {}
    started = timezone.now()
    with transaction.atomic():
        for seeder in SEEDERS:
            seeder(ctx)
        demo_past_settled(before=started)
    return ctx
