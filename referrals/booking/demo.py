"""Demo bookings (seed_demo): the advanced-consultation referrals of the demo year are seen at
the sessions of scheduling/demo.py (held ones for completed cases, the next ones for scheduled
cases), and two referrals of patients living near Gien and Pithiviers are triaged for an advanced
consultation and left to be booked. Idempotent: bookings are made only when the sites were just
created, and no referral is submitted twice (each has its own idempotency key)."""

from datetime import date, timedelta

from django.utils import timezone

from ess.models import Commune, Specialty
from referrals.models import PreferredResponse, Priority, Referral, ResponseMode, Sex, Status
from referrals.services import PatientInput, ReferralInput, referral_submit, referral_triage
from scheduling.demo import seed_consultation_sites
from scheduling.models import Appointment, ConsultationSession, SessionStatus
from scheduling.services import session_location

# Appointments per demo session: held ones, and the ones to come (free places remain).
PER_HELD_SESSION = 3
PER_FUTURE_SESSION = 2

# Referrals triaged for an advanced consultation and not yet booked: what the coordinator opens
# to see the booking panel. Patients who live far from Orléans, near one of the demo sites.
TO_BOOK = [
    {
        "key": "demo-consultation-avancee-gien",
        "requester": "medecin",
        "patient": {
            "birth_name": "Gauthier",
            "first_names": "Monique Andrée",
            "sex": Sex.FEMALE,
            "birth_date": date(1943, 5, 17),
            "birth_place_code": "45155",
            "phone": "06 12 48 30 71",
            "commune_id": "45254",  # Poilly-lez-Gien
        },
        "question": (
            "Souffle systolique aortique d'apparition récente : échocardiographie et avis, au plus "
            "près du domicile ?"
        ),
        "context": (
            "Patiente de {age} ans, suivie au cabinet depuis vingt ans, installée depuis l'automne "
            "chez sa fille à Poilly-lez-Gien ; elle ne peut plus venir à Orléans. Souffle "
            "systolique 3/6 au foyer aortique, B2 conservé, dyspnée pour des efforts importants "
            "seulement. Hypertension traitée par amlodipine 5 mg. ECG : rythme sinusal."
        ),
        "urgency": Priority.P3,
        "note": "Consultation avancée de Gien : la patiente ne se déplace plus jusqu'à Orléans.",
    },
    {
        "key": "demo-consultation-avancee-pithiviers",
        "requester": "medecin2",
        "patient": {
            "birth_name": "Moreau",
            "first_names": "Gérard",
            "sex": Sex.MALE,
            "birth_date": date(1951, 11, 2),
            "birth_place_code": "45252",
            "phone": "02 38 30 12 64",
            "commune_id": "45252",  # Pithiviers
        },
        "question": (
            "Dyspnée d'effort et NT-proBNP élevé : bilan d'une insuffisance cardiaque débutante ?"
        ),
        "context": (
            "Patient de {age} ans, diabétique de type 2 et hypertendu, vit à Pithiviers chez "
            "son fils depuis son veuvage et n'a pas de véhicule. Essoufflement à la montée d'un "
            "étage depuis deux mois, œdèmes vespéraux des chevilles. NT-proBNP à 870 pg/mL. "
            "ECG : rythme sinusal, hypertrophie ventriculaire gauche électrique."
        ),
        "urgency": Priority.P4,
        "note": "Consultation avancée de Pithiviers, au plus près du domicile du patient.",
    },
]


def seed_consultations(users: dict) -> int:
    """The sites, plans and sessions (scheduling), their appointments, and the referrals to book.
    Returns the number of sessions created (0 when already seeded)."""
    specialty = Specialty.objects.filter(code="cardiologie").first()
    if specialty is None or not {"cardiologue", "cardiologue2"} & set(users):
        return 0
    created = seed_consultation_sites(users)
    if created:
        coordinator = users.get("coordination")
        _book_demo_referrals(coordinator.pk if coordinator else None)
    _referrals_to_book(users, specialty)
    return created


def _book_demo_referrals(coordinator_id) -> None:
    """Completed advanced-consultation referrals are seen at the last held session of their
    specialist between triage and completion; scheduled ones at the next sessions to come, two
    per session at most (free places remain)."""
    now = timezone.now()
    sessions = list(
        ConsultationSession.objects.filter(status=SessionStatus.PUBLISHED, plan__isnull=False)
        .select_related("site__commune")
        .order_by("starts_at")
    )
    taken = set(Appointment.objects.values_list("referral_id", flat=True))
    used = {s.pk: s.appointments.count() for s in sessions}
    referrals = (
        Referral.objects.filter(
            response_mode=ResponseMode.ADVANCED_CONSULTATION,
            status__in=[Status.COMPLETED, Status.SCHEDULED],
            specialist_id__in={s.specialist_id for s in sessions},
            triaged_at__isnull=False,
        )
        .exclude(pk__in=taken)
        .order_by("triaged_at")
    )
    for referral in referrals:
        if referral.status == Status.COMPLETED:
            fitting = [
                s
                for s in sessions
                if s.specialist_id == referral.specialist_id
                and s.ends_at <= now
                and referral.triaged_at < s.starts_at
                and s.ends_at < referral.completed_at
                and used[s.pk] < PER_HELD_SESSION
            ]
            session = fitting[-1] if fitting else None
        else:
            fitting = [
                s
                for s in sessions
                if s.specialist_id == referral.specialist_id
                and s.starts_at > now
                and used[s.pk] < PER_FUTURE_SESSION
            ]
            session = fitting[0] if fitting else None
        if session is None:
            continue
        position = used[session.pk]
        starts_at = session.starts_at + timedelta(minutes=position * session.slot_minutes)
        Appointment.objects.create(
            session=session,
            referral=referral,
            position=position,
            starts_at=starts_at,
            booked_by_id=coordinator_id or session.specialist_id,
            created_at=min(now, referral.triaged_at + timedelta(hours=1)),
        )
        Referral.objects.filter(pk=referral.pk).update(
            appointment_at=starts_at, appointment_location=session_location(session)
        )
        used[session.pk] += 1


def _referrals_to_book(users: dict, specialty: Specialty) -> None:
    """Submitted by the demo GPs and triaged by the coordinator through the services, as on the
    site: the idempotency key makes a second run find the first referral instead of a new one."""
    coordinator = users.get("coordination")
    if coordinator is None:
        return
    for spec in TO_BOOK:
        requester = users.get(spec["requester"])
        if requester is None:
            continue
        patient = dict(spec["patient"])
        born, today = patient["birth_date"], timezone.localdate()
        age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        commune = Commune.objects.filter(code=patient.pop("commune_id")).first()
        data = ReferralInput(
            patient=PatientInput(**patient, commune=commune),
            specialty=specialty,
            question=spec["question"],
            context=spec["context"].format(age=age),
            urgency=spec["urgency"],
            preferred_response=PreferredResponse.CONSULTATION,
            consent=True,
        )
        referral, created = referral_submit(by=requester, data=data, idempotency_key=spec["key"])
        if created:
            referral_triage(
                referral_id=referral.pk,
                by=coordinator,
                priority=spec["urgency"],
                response_mode=ResponseMode.ADVANCED_CONSULTATION,
                note=spec["note"],
            )
