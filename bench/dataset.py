"""Synthetic data for the dashboard benchmark: N referrals written with bulk inserts.

Imported by `bench/run.py` once Django is set up. The data are shaped like a busy ESS after two
years: most referrals closed, about one in ten open and recent, a few hundred requesters, a
specialist team led by cardiology. Timestamps are relative to the moment of loading.
"""

import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from ess.mfa import has_second_factor
from ess.models import Commune, Specialty
from ess.roles import Role
from members.models import Organisation, OrganisationKind, Profession, RoleGrant, User
from referrals.deadlines import CALENDAR_HOURS, due_times
from referrals.models import (
    OPEN_STATUSES,
    Patient,
    Priority,
    ReferenceCounter,
    Referral,
    ResponseMode,
    Status,
)

BATCH_SIZE = 5_000
EMAIL_DOMAIN = "bench.invalid"
COORDINATOR_EMAIL = f"coordination@{EMAIL_DOMAIN}"
REQUESTERS = 300
ORGANISATIONS = 120
COMMUNES_SAMPLE = 2_000
HISTORY = timedelta(days=730)

# (specialty code, share of referrals, specialists)
SPECIALTY_MIX = [
    ("cardiologie", 0.40, 20),
    ("dermatologie", 0.15, 6),
    ("endocrinologie", 0.15, 6),
    ("pneumologie", 0.10, 4),
    ("rhumatologie", 0.10, 4),
    ("neurologie", 0.10, 4),
]
# Share of referrals per status: 90 % closed, 10 % open.
STATUS_MIX = {
    Status.COMPLETED: 0.80,
    Status.REORIENTED: 0.06,
    Status.CANCELLED: 0.04,
    Status.SUBMITTED: 0.03,
    Status.INFO_REQUESTED: 0.01,
    Status.TRIAGED: 0.025,
    Status.ACCEPTED: 0.02,
    Status.SCHEDULED: 0.015,
}
# Mean age in days of an open referral, per status (older when further along).
OPEN_AGE_DAYS = {
    Status.SUBMITTED: 2,
    Status.INFO_REQUESTED: 6,
    Status.TRIAGED: 3,
    Status.ACCEPTED: 8,
    Status.SCHEDULED: 12,
}
PRIORITY_MIX = {Priority.P1: 0.05, Priority.P2: 0.20, Priority.P3: 0.40, Priority.P4: 0.35}
RESPONSE_MIX = {
    ResponseMode.TELEEXPERTISE_ASYNC: 0.50,
    ResponseMode.TELEEXPERTISE_SYNC: 0.10,
    ResponseMode.TELECONSULTATION: 0.15,
    ResponseMode.ADVANCED_CONSULTATION: 0.20,
    ResponseMode.URGENT_CONSULTATION: 0.05,
}
ORGANISATION_MIX = {
    OrganisationKind.PRACTICE: 0.50,
    OrganisationKind.MSP: 0.20,
    OrganisationKind.HEALTH_CENTRE: 0.10,
    OrganisationKind.EHPAD: 0.10,
    OrganisationKind.CPTS: 0.05,
    OrganisationKind.HOSPITAL: 0.05,
}
SURNAMES = [
    "MARTIN",
    "BERNARD",
    "THOMAS",
    "PETIT",
    "ROBERT",
    "RICHARD",
    "DURAND",
    "DUBOIS",
    "MOREAU",
    "LAURENT",
    "SIMON",
    "MICHEL",
    "LEFEBVRE",
    "LEROY",
    "ROUX",
    "DAVID",
    "BERTRAND",
    "MOREL",
    "FOURNIER",
    "GIRARD",
    "BONNET",
    "DUPONT",
    "LAMBERT",
    "FONTAINE",
    "ROUSSEAU",
    "VINCENT",
    "MULLER",
    "LEFEVRE",
    "FAURE",
    "ANDRE",
    "MERCIER",
    "BLANC",
    "GUERIN",
    "BOYER",
    "GARNIER",
    "CHEVALIER",
    "FRANCOIS",
    "LEGRAND",
    "GAUTHIER",
    "GARCIA",
    "PERRIN",
    "ROBIN",
    "CLEMENT",
    "MORIN",
    "NICOLAS",
    "HENRY",
    "ROUSSEL",
    "MATHIEU",
    "GAUTIER",
    "MASSON",
    "MARCHAND",
    "DUVAL",
    "DENIS",
    "DUMONT",
    "MARIE",
    "LEMAIRE",
    "NOEL",
    "MEYER",
    "DUFOUR",
    "MEUNIER",
    "BRUN",
    "BLANCHARD",
    "GIRAUD",
    "JOLY",
    "RIVIERE",
    "LUCAS",
    "BRUNET",
    "GAILLARD",
    "BARBIER",
    "ARNAUD",
    "MARTINEZ",
    "GERARD",
    "ROCHE",
    "RENARD",
    "SCHMITT",
    "ROY",
    "LEROUX",
    "COLIN",
    "VIDAL",
    "CARON",
    "PICARD",
    "ROGER",
    "FABRE",
    "AUBERT",
    "LEMOINE",
    "RENAUD",
    "DUMAS",
]
FIRST_NAMES = {
    "F": [
        "MARIE",
        "NATHALIE",
        "ISABELLE",
        "SYLVIE",
        "CATHERINE",
        "FRANCOISE",
        "CHRISTINE",
        "MONIQUE",
        "JEANNE",
        "LOUISE",
        "CAMILLE",
        "MANON",
        "EMMA",
        "CHLOE",
        "SOPHIE",
        "JULIE",
        "ANNE",
        "MARTINE",
        "NICOLE",
        "HELENE",
    ],
    "M": [
        "JEAN",
        "PIERRE",
        "MICHEL",
        "ANDRE",
        "PHILIPPE",
        "ALAIN",
        "BERNARD",
        "JACQUES",
        "CHRISTIAN",
        "DANIEL",
        "LOUIS",
        "NICOLAS",
        "THOMAS",
        "LUCAS",
        "HUGO",
        "PAUL",
        "FRANCOIS",
        "PATRICK",
        "GERARD",
        "CLAUDE",
    ],
}
QUESTIONS = [
    "Souffle systolique découvert à l'auscultation, patient asymptomatique. Échographie utile ?",
    "Palpitations intermittentes depuis trois semaines, ECG de repos normal. Holter à prévoir ?",
    "HTA résistante sous trithérapie à dose optimale. Conduite à tenir et bilan secondaire ?",
    "Dyspnée d'effort progressive, BNP à 450 pg/mL. Avis sur l'orientation et le délai.",
    "Lésion pigmentée évolutive du dos, photo jointe. Exérèse à programmer ?",
    "Diabète de type 2 déséquilibré (HbA1c 9,2 %) malgré bithérapie. Adaptation du traitement ?",
    "Toux chronique de plus de huit semaines chez un ancien fumeur. Examens complémentaires ?",
    "Polyarthrite des petites articulations, CRP élevée. Avis rhumatologique rapide ?",
    "Céphalées inhabituelles d'apparition récente après 50 ans, examen neurologique normal.",
]
ANSWER = (
    "Dossier étudié. Pas de signe de gravité au vu des éléments transmis. Je propose de "
    "compléter par le bilan indiqué ci-dessous et de réévaluer ; reconsulter sans délai en cas "
    "d'aggravation des symptômes."
)
ACTIONS = "Bilan biologique, adaptation thérapeutique, contrôle dans un mois."


@dataclass(frozen=True)
class LoadReport:
    referrals: int
    patients: int
    seconds: float
    loaded: bool


def _pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    """A moment between `start` and `end` (`start` itself when the window is empty)."""
    span = (end - start).total_seconds()
    return start + timedelta(seconds=rng.uniform(0, span)) if span > 0 else start


def _nir(rng: random.Random, sex: str, birth: datetime, index: int) -> str:
    """A well-formed, unique, fictitious NIR (13 digits + 2-digit key)."""
    body = (
        f"{1 if sex == 'M' else 2}{birth.year % 100:02d}{birth.month:02d}"
        f"{rng.randrange(1, 96):02d}{index // 1000 % 1000:03d}{index % 1000:03d}"
    )
    return f"{body}{97 - int(body) % 97:02d}"


def referral_count() -> int:
    return Referral.objects.count()


def truncate() -> None:
    """Empty the tables the benchmark fills (and what hangs off them: audit rows, sessions)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE referrals_referral, referrals_patient, referrals_referencecounter, "
            "members_organisation, members_user RESTART IDENTITY CASCADE"
        )


def ensure_coordinator() -> User:
    """The account the dashboard is requested as: coordinator role, with the enrolled TOTP
    every staff role needs (ess/mfa.py)."""
    user, _ = User.objects.get_or_create(
        email=COORDINATOR_EMAIL,
        defaults={
            "first_name": "Claire",
            "last_name": "Coordination",
            "profession": Profession.COORDINATOR,
            "password": make_password(None),
        },
    )
    RoleGrant.objects.get_or_create(user=user, role=Role.COORDINATOR)
    if not has_second_factor(user):
        TOTP.activate(user, generate_totp_secret())
    return user


def _create_people(rng: random.Random, communes: list[str], specialties: dict[str, Specialty]):
    unusable = make_password(None)
    organisations = Organisation.objects.bulk_create(
        [
            Organisation(
                name=f"Structure de soins n°{i + 1}",
                kind=_pick(rng, ORGANISATION_MIX),
                commune_id=rng.choice(communes),
            )
            for i in range(ORGANISATIONS)
        ]
    )
    requesters = User.objects.bulk_create(
        [
            User(
                email=f"demandeur{i + 1}@{EMAIL_DOMAIN}",
                first_name=rng.choice(FIRST_NAMES[rng.choice("FM")]).title(),
                last_name=rng.choice(SURNAMES).title(),
                profession=Profession.PHYSICIAN if rng.random() < 0.8 else Profession.NURSE,
                organisation=rng.choice(organisations),
                acts_for_organisation=rng.random() < 0.05,
                password=unusable,
            )
            for i in range(REQUESTERS)
        ]
    )
    specialists: dict[str, list[User]] = {}
    for code, _share, count in SPECIALTY_MIX:
        specialists[code] = User.objects.bulk_create(
            [
                User(
                    email=f"{code}{i + 1}@{EMAIL_DOMAIN}",
                    first_name=rng.choice(FIRST_NAMES[rng.choice("FM")]).title(),
                    last_name=rng.choice(SURNAMES).title(),
                    profession=Profession.PHYSICIAN,
                    specialty=specialties[code],
                    password=unusable,
                )
                for i in range(count)
            ]
        )
    RoleGrant.objects.bulk_create(
        [RoleGrant(user=u, role=Role.REQUESTER) for u in requesters]
        + [RoleGrant(user=u, role=Role.SPECIALIST) for team in specialists.values() for u in team]
    )
    return requesters, specialists


def _create_patients(rng: random.Random, count: int, communes: list[str], now) -> list[int]:
    ids: list[int] = []
    for start in range(0, count, BATCH_SIZE):
        batch = []
        for i in range(start, min(start + BATCH_SIZE, count)):
            sex = rng.choice("FM")
            birth = now - timedelta(days=rng.randrange(365, 95 * 365))
            birth_name = rng.choice(SURNAMES)
            batch.append(
                Patient(
                    ins=_nir(rng, sex, birth, i) if rng.random() < 0.7 else "",
                    birth_name=birth_name,
                    first_names=" ".join(rng.sample(FIRST_NAMES[sex], rng.choice((1, 1, 2)))),
                    sex=sex,
                    birth_date=birth.date(),
                    used_name=rng.choice(SURNAMES) if sex == "F" and rng.random() < 0.2 else "",
                    commune_id=rng.choice(communes),
                    gp_name=f"Dr {rng.choice(SURNAMES).title()}",
                    created_at=now - timedelta(days=rng.randrange(1, 730)),
                )
            )
        ids.extend(p.pk for p in Patient.objects.bulk_create(batch))
    return ids


def _referral(rng: random.Random, status: str, now: datetime, team: list[User]) -> Referral:
    """One referral in `status`, with the timestamps and fields its history implies.

    `team` holds the specialists of the referral's specialty (who it is offered to, who took it).
    """
    if status in OPEN_STATUSES:
        age = min(rng.expovariate(1 / OPEN_AGE_DAYS[status]), 60)
        submitted = now - timedelta(days=age, minutes=5)
    else:
        submitted = _between(rng, now - HISTORY, now - timedelta(days=2))
    urgency = _pick(rng, PRIORITY_MIX)
    referral = Referral(
        question=rng.choice(QUESTIONS),
        urgency_requested=urgency,
        consent=True,
        status=status,
        submitted_at=submitted,
    )
    # Every request is due from its submission: provisionally from the urgency asked for.
    referral.due_at, referral.escalate_at = due_times(submitted, urgency, calendar=CALENDAR_HOURS)
    # Was it triaged on its way to this status?
    triaged = status in (Status.TRIAGED, Status.ACCEPTED, Status.SCHEDULED, Status.COMPLETED) or (
        status != Status.SUBMITTED and rng.random() < 0.5
    )
    if status == Status.SUBMITTED and rng.random() < 0.2:
        referral.info_received_at = _between(rng, submitted, now)
    if not triaged:
        if status in (Status.REORIENTED, Status.CANCELLED):
            referral.closed_at = _between(rng, submitted, min(submitted + timedelta(days=3), now))
        return referral
    referral.priority = urgency if rng.random() < 0.7 else _pick(rng, PRIORITY_MIX)
    referral.response_mode = _pick(rng, RESPONSE_MIX)
    referral.triaged_at = _between(rng, submitted, min(submitted + timedelta(hours=30), now))
    referral.due_at, referral.escalate_at = due_times(
        submitted, referral.priority, calendar=CALENDAR_HOURS
    )
    if status == Status.TRIAGED:
        draw = rng.random()
        if draw < 0.08:  # declined by a specialist, back with the coordinators
            referral.last_declined_at = _between(rng, referral.triaged_at, now)
        elif draw < 0.30:
            referral.offered_to_pool = True
        else:
            referral.offered_to = rng.choice(team)
    elif status in (Status.ACCEPTED, Status.SCHEDULED, Status.COMPLETED):
        referral.specialist = rng.choice(team)
        referral.accepted_at = _between(
            rng, referral.triaged_at, min(referral.triaged_at + timedelta(hours=48), now)
        )
        if status == Status.SCHEDULED:
            referral.appointment_at = now + timedelta(days=rng.randrange(1, 21), hours=9)
            referral.appointment_location = "Consultation avancée, maison de santé"
        elif status == Status.COMPLETED:
            referral.completed_at = referral.accepted_at + timedelta(hours=rng.uniform(2, 10 * 24))
            referral.closed_at = referral.completed_at
            referral.answer = ANSWER
            referral.recommended_actions = ACTIONS
            referral.consultation_needed = rng.random() < 0.25
            if rng.random() < 0.6:
                referral.feedback_useful = rng.random() < 0.9
                referral.feedback_avoided_visit = rng.random() < 0.6
    else:
        referral.closed_at = _between(rng, referral.triaged_at, now)
    return referral


def _create_referrals(
    rng: random.Random,
    count: int,
    patient_ids: list[int],
    requesters: list[User],
    specialists: dict[str, list[User]],
    specialties: dict[str, Specialty],
    now: datetime,
) -> None:
    statuses = rng.choices(list(STATUS_MIX), weights=list(STATUS_MIX.values()), k=count)
    codes = [code for code, _share, _count in SPECIALTY_MIX]
    shares = [share for _code, share, _count in SPECIALTY_MIX]
    referrals = []
    for status in statuses:
        code = rng.choices(codes, weights=shares)[0]
        referral = _referral(rng, status, now, specialists[code])
        requester = rng.choice(requesters)
        referral.specialty_id = specialties[code].pk
        referral.patient_id = rng.choice(patient_ids)
        referral.requester_id = requester.pk
        referral.requester_organisation_id = requester.organisation_id
        referrals.append(referral)
    # References follow the submission order within each year, as next_reference would.
    referrals.sort(key=lambda r: r.submitted_at)
    counters: dict[int, int] = {}
    for referral in referrals:
        year = timezone.localtime(referral.submitted_at).year
        counters[year] = counters.get(year, 0) + 1
        referral.reference = f"ESS-{year}-{counters[year]:06d}"
    Referral.objects.bulk_create(referrals, batch_size=BATCH_SIZE)
    ReferenceCounter.objects.bulk_create(
        [ReferenceCounter(year=year, last=last) for year, last in counters.items()],
        update_conflicts=True,
        unique_fields=["year"],
        update_fields=["last"],
    )


def load(count: int, *, seed: int) -> LoadReport:
    """Write `count` referrals (and their people) in one transaction, then VACUUM (ANALYZE).

    VACUUM sets the visibility map as autovacuum eventually would on a live database, so the
    planner sees the steady state (index-only scans possible), not a freshly written table.
    """
    started = time.perf_counter()
    rng = random.Random(seed)
    now = timezone.now()
    communes = list(Commune.objects.values_list("code", flat=True))
    communes = rng.sample(communes, min(COMMUNES_SAMPLE, len(communes)))
    specialties = {
        s.code: s for s in Specialty.objects.filter(code__in=[c for c, _s, _n in SPECIALTY_MIX])
    }
    missing = {c for c, _s, _n in SPECIALTY_MIX} - set(specialties)
    if missing:
        raise RuntimeError(f"Specialties missing from the database: {sorted(missing)}")
    patients = max(1, count // 2)
    with transaction.atomic():
        requesters, specialists = _create_people(rng, communes, specialties)
        patient_ids = _create_patients(rng, patients, communes, now)
        _create_referrals(rng, count, patient_ids, requesters, specialists, specialties, now)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    return LoadReport(
        referrals=count, patients=patients, seconds=time.perf_counter() - started, loaded=True
    )
