"""Demo members: the demo specialists and about a dozen more in several specialties, with
competences, practice sites, governance functions and territory headcounts (their slots to
come are scheduling's: scheduling/demo.py).

Idempotent: rows are found by their natural keys (email, code).
"""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.utils import timezone
from stdnum import luhn

from ess.models import Specialty, Team
from ess.roles import Role
from members.models import (
    Competence,
    GovernanceRole,
    Membership,
    MembershipEvent,
    MembershipStatus,
    PracticeSite,
    Profession,
    SpecialtyHeadcount,
    User,
)
from members.services import roles_grant

SPECIALTIES = ("cardiologie", "pneumologie", "endocrinologie", "nephrologie")
COMPETENCES = {
    "cardiologie": [
        ("rythmologie", "Rythmologie"),
        ("insuffisance-cardiaque", "Insuffisance cardiaque"),
        ("echocardiographie", "Échocardiographie"),
        ("readaptation-cardiaque", "Réadaptation cardiaque"),
        ("hta", "Hypertension artérielle"),
    ],
    "pneumologie": [
        ("sommeil", "Troubles respiratoires du sommeil"),
        ("bpco", "BPCO et réhabilitation respiratoire"),
        ("asthme", "Asthme sévère"),
    ],
    "endocrinologie": [
        ("diabetologie", "Diabétologie"),
        ("thyroide", "Pathologie thyroïdienne"),
        ("obesite", "Obésité"),
    ],
    "nephrologie": [("mrc", "Maladie rénale chronique")],
}
# email local part → (first name, last name, profession, specialty, competences, commune)
EXTRA_MEMBERS = {
    "c.girard": ("Camille", "Girard", "medecin", "cardiologie", ["echocardiographie"], "45155"),
    "p.morel": ("Pierre", "Morel", "medecin", "cardiologie", ["readaptation-cardiaque"], "45208"),
    "e.fontaine": ("Élodie", "Fontaine", "medecin", "pneumologie", ["sommeil"], "45234"),
    "t.chevalier": ("Thomas", "Chevalier", "medecin", "pneumologie", ["bpco"], "45147"),
    "a.robin": ("Amina", "Robin", "medecin", "pneumologie", ["asthme"], "45302"),
    "l.perrin": ("Louis", "Perrin", "medecin", "endocrinologie", ["diabetologie"], "45234"),
    "s.gauthier": ("Sarah", "Gauthier", "medecin", "endocrinologie", ["thyroide"], "45208"),
    "j.masson": ("Julien", "Masson", "medecin", "nephrologie", ["mrc"], "45234"),
    "m.lemaire": ("Manon", "Lemaire", "ipa", None, [], "45155"),
}
# The demo accounts that are members: (competences, commune of their practice)
DEMO_MEMBERS = {
    "cardiologue": (["rythmologie", "hta"], "45234"),
    "cardiologue2": (["insuffisance-cardiaque"], "45208"),
    "direction": (["echocardiographie"], "45234"),
}
HEADCOUNTS = {"cardiologie": 18, "pneumologie": 9, "endocrinologie": 7, "nephrologie": 4}
ADDRESSES = {
    "45234": "12 rue Bannier",
    "45155": "3 quai Lenoir",
    "45208": "8 place du Marché",
    "45147": "25 avenue de Paris",
    "45302": "5 rue des Fossés",
}


def _rpps(n: int) -> str:
    body = f"1000001{n:03d}"
    return body + luhn.calc_check_digit(body)


def seed_competences() -> dict[str, Competence]:
    found = {}
    for specialty_code, items in COMPETENCES.items():
        specialty = Specialty.objects.get(code=specialty_code)
        for code, label in items:
            found[code], _ = Competence.objects.get_or_create(
                code=code, defaults={"label": label, "specialty": specialty}
            )
    return found


def _membership(user: User, competences: list[Competence], commune: str, **fields) -> Membership:
    membership = Membership.objects.filter(user=user).first()
    if membership:
        return membership
    now = timezone.now()
    membership = Membership.objects.create(
        user=user,
        status=MembershipStatus.ACTIVE,
        email=user.email,
        first_name=user.first_name,
        last_name=user.last_name,
        profession=user.profession,
        rpps=user.rpps,
        adeli=user.adeli,
        specialty=user.specialty,
        practice_mode=fields.get("practice_mode", "liberal"),
        sector=fields.get("sector", "secteur_1"),
        unscheduled_care=True,
        teleexpertise=fields.get("teleexpertise", True),
        advanced_consultations=fields.get("advanced_consultations", False),
        training=fields.get("training", False),
        prevention=fields.get("prevention", False),
        languages=fields.get("languages", ""),
        is_public=True,
        public_fields=["competences", "sites"],
        applied_at=now - timedelta(days=400),
        joined_at=now - timedelta(days=380),
    )
    membership.competences.set(competences)
    PracticeSite.objects.create(
        membership=membership,
        address=ADDRESSES[commune],
        commune_id=commune,
        phone="02 38 00 00 00",
    )
    MembershipEvent.objects.create(
        membership=membership, to_status=MembershipStatus.ACTIVE, note="Membre fondateur"
    )
    return membership


def seed_members(users: dict[str, User]) -> dict[str, Membership]:
    competences = seed_competences()
    team = Team.current()
    if team:
        team.specialties.add(*Specialty.objects.filter(code__in=SPECIALTIES))
    memberships = {}
    for local, (codes, commune) in DEMO_MEMBERS.items():
        memberships[local] = _membership(
            users[local], [competences[c] for c in codes], commune, training=True
        )
    for n, (local, row) in enumerate(EXTRA_MEMBERS.items()):
        first, last, profession, specialty, codes, commune = row
        email = f"{local}@demo.example.org"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email,
                password=settings.ESS_DEMO_PASSWORD,
                first_name=first,
                last_name=last,
                profession=profession,
                is_demo=True,
                specialty=Specialty.objects.filter(code=specialty).first() if specialty else None,
                rpps=_rpps(n) if profession == Profession.PHYSICIAN else "",
                adeli="" if profession == Profession.PHYSICIAN else f"45{n:07d}",
            )
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        role = Role.SPECIALIST if profession == Profession.PHYSICIAN else Role.PARAMEDIC
        roles_grant(user=user, roles=[role])
        memberships[local] = _membership(
            user,
            [competences[c] for c in codes],
            commune,
            advanced_consultations=n % 3 == 0,
            prevention=n % 2 == 0,
            sector="secteur_2_optam" if n % 4 == 0 else "secteur_1",
            practice_mode="mixte" if n % 3 == 1 else "liberal",
            languages="anglais" if n % 2 else "",
        )
    start = timezone.localdate().replace(month=1, day=1)
    for local, kind in (("direction", "president"), ("cardiologue", "ambassador")):
        GovernanceRole.objects.get_or_create(
            membership=memberships[local], kind=kind, defaults={"starts_on": start}
        )
    GovernanceRole.objects.get_or_create(
        membership=memberships["e.fontaine"], kind="board", defaults={"starts_on": start}
    )
    for code, count in HEADCOUNTS.items():
        SpecialtyHeadcount.objects.get_or_create(
            specialty=Specialty.objects.get(code=code), defaults={"territory_count": count}
        )
    _pending_application(competences)
    return memberships


def _pending_application(competences: dict[str, Competence]) -> None:
    """One application waiting for the manager, so the review page has something to show."""
    email = "h.bertin@demo.example.org"
    if Membership.objects.filter(email=email).exists():
        return
    membership = Membership.objects.create(
        email=email,
        first_name="Hélène",
        last_name="Bertin",
        profession=Profession.PHYSICIAN,
        rpps=_rpps(99),
        specialty=Specialty.objects.get(code="cardiologie"),
        practice_mode="liberal",
        sector="secteur_1",
        unscheduled_care=True,
        teleexpertise=True,
    )
    membership.competences.set([competences["rythmologie"]])
    PracticeSite.objects.create(
        membership=membership, address=ADDRESSES["45147"], commune_id="45147"
    )
    MembershipEvent.objects.create(membership=membership, to_status=MembershipStatus.APPLIED)
