"""Demo members: the demo specialists and about a dozen more in several specialties, with
competences, practice sites, governance functions and territory headcounts (their slots to
come are scheduling's: scheduling/demo.py). The content is in `data.toml`, played through the
membership services: each member applied, and the manager validated the application, at the
moments the file gives.

Idempotent: rows are found by their natural keys (email, code).
"""

from dataclasses import dataclass
from pathlib import Path

from allauth.account.models import EmailAddress
from django.conf import settings
from django.utils import timezone

from ess.demo_data import Moment, demo_clock, demo_data_load, demo_moment, unknown
from ess.models import Commune, Specialty, Team
from members import services
from members.models import Competence, Membership, Participation, User
from members.services import ApplicationInput, SiteInput

DATA_FILE = Path(__file__).with_name("data.toml")
DEMO_DOMAIN = "demo.example.org"


@dataclass(frozen=True)
class MemberData:
    account: str  # the email's local part, at the demo domain
    commune: str
    name: tuple[str, str] | None = None  # first and last name, for a new account
    profession: str = "medecin"
    specialty: str = ""
    rpps: str = ""
    adeli: str = ""
    competences: tuple[str, ...] = ()
    participations: tuple[str, ...] = ("unscheduled_care", "teleexpertise")
    practice_mode: str = "liberal"
    sector: str = "secteur_1"
    languages: str = ""
    governance: tuple[str, ...] = ()
    applied: Moment = ""
    # A founding member who joined later than the others (their application and validation).
    validated: Moment = ""

    def check(self) -> list[str]:
        return unknown("participations", self.participations, Participation.values)


@dataclass(frozen=True)
class MembersData:
    headcounts: dict[str, int]
    applied: Moment
    validated: Moment
    addresses: dict[str, str]
    site_phone: str
    competences: dict[str, tuple[tuple[str, str], ...]]
    members: tuple[MemberData, ...]
    applications: tuple[MemberData, ...]

    def check(self) -> list[str]:
        people = self.members + self.applications
        known = {code for items in self.competences.values() for code, _label in items}
        communes = {m.commune for m in people}
        competences = {c for m in people for c in m.competences}
        return unknown("members[].commune", communes, self.addresses) + unknown(
            "members[].competences", competences, known
        )


def load(path: Path = DATA_FILE) -> MembersData:
    return demo_data_load(path, MembersData)


def demo_email(local: str) -> str:
    return f"{local}@{DEMO_DOMAIN}"


def demo_user(local: str, *, organisation=None, **identity) -> User:
    """The demo account `local@demo.example.org` (created with the demo password, its email
    verified), found again on the next run. `identity`: first and last name, profession,
    specialty (code), rpps, adeli."""
    email = demo_email(local)
    user = User.objects.filter(email=email).first()
    if user is None:
        specialty = identity.pop("specialty", "")
        user = User.objects.create_user(
            email=email,
            password=settings.ESS_DEMO_PASSWORD,
            is_demo=True,
            specialty=Specialty.objects.filter(code=specialty).first() if specialty else None,
            organisation=organisation,
            **identity,
        )
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


# The member a run of seed_demo counts: a dozen members beside the demo accounts.
EXTRA_MEMBERS = [m.account for m in load().members if m.name]


def seed_members(users: dict[str, User]) -> dict[str, Membership]:
    data = load()
    manager = users["direction"]
    competences = _competences(data)
    team = Team.current()
    if team:
        team.specialties.add(*Specialty.objects.filter(code__in=data.headcounts))
    today = timezone.localdate()
    memberships = {}
    with demo_clock() as move_to:

        def travel(moment: str) -> None:
            move_to(demo_moment(moment, today=today))

        for member in data.members:
            user = users.get(member.account) or _account(member)
            memberships[member.account] = _member(member, user, data, competences, manager, travel)
        new_year = today.replace(month=1, day=1)
        travel(f"{(new_year - today).days:+d}d 10:00")
        for member in data.members:
            _functions(member, memberships[member.account], manager, new_year)
        travel(data.validated)
        for code, count in data.headcounts.items():
            specialty = Specialty.objects.get(code=code)
            services.specialty_headcount_set(by=manager, specialty=specialty, territory_count=count)
        for application in data.applications:
            if not Membership.objects.filter(email=demo_email(application.account)).exists():
                travel(application.applied)
                _apply(application, data, competences, public=False)
    return memberships


def _competences(data: MembersData) -> dict[str, Competence]:
    found = {}
    for specialty_code, items in data.competences.items():
        specialty = Specialty.objects.get(code=specialty_code)
        for code, label in items:
            found[code], _ = Competence.objects.get_or_create(
                code=code, defaults={"label": label, "specialty": specialty}
            )
    return found


def _account(member: MemberData) -> User:
    first_name, last_name = member.name
    return demo_user(
        member.account,
        first_name=first_name,
        last_name=last_name,
        profession=member.profession,
        specialty=member.specialty,
        rpps=member.rpps,
        adeli=member.adeli,
    )


def _member(member, user: User, data, competences, manager, travel) -> Membership:
    """A founding member: applied, validated by the manager, confirmed by the holder of the
    existing account (which then gets the member's role)."""
    membership = Membership.objects.filter(user=user).first()
    if membership:
        return membership
    travel(member.applied or data.applied)
    membership = _apply(member, data, competences, public=True, user=user)
    travel(member.validated or data.validated)
    membership = services.membership_validate(
        membership_id=membership.pk, by=manager, base_url=settings.ESS_BASE_URL
    )
    token = services.membership_token(membership, services.ACTIVATION_SALT)
    return services.membership_confirm(token=token, by=user)


def _apply(member, data, competences, *, public: bool, user: User | None = None) -> Membership:
    first_name, last_name = member.name or (user.first_name, user.last_name)
    specialty = member.specialty or (user.specialty.code if user and user.specialty else "")
    application = ApplicationInput(
        email=demo_email(member.account),
        first_name=first_name,
        last_name=last_name,
        profession=user.profession if user else member.profession,
        practice_mode=member.practice_mode,
        sector=member.sector,
        rpps=user.rpps if user else member.rpps,
        adeli=user.adeli if user else member.adeli,
        specialty=Specialty.objects.filter(code=specialty).first() if specialty else None,
        competences=[competences[code] for code in member.competences],
        sites=[_site(member.commune, data, phone=data.site_phone if public else "")],
        participations=list(member.participations),
        languages=member.languages,
        is_public=public,
        public_fields=["competences", "sites"] if public else [],
    )
    membership, _created = services.membership_apply(
        data=application, base_url=settings.ESS_BASE_URL
    )
    return membership


def _site(commune: str, data: MembersData, *, phone: str) -> SiteInput:
    return SiteInput(
        address=data.addresses[commune], commune=Commune.objects.get(code=commune), phone=phone
    )


def _functions(member: MemberData, membership: Membership, manager: User, starts_on) -> None:
    held = set(membership.governance_roles.values_list("kind", flat=True))
    for kind in set(member.governance) - held:
        services.governance_role_assign(
            by=manager,
            membership_id=membership.pk,
            kind=kind,
            starts_on=starts_on,
        )
