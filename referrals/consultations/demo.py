"""Demo advanced consultations (seed_demo): two sites in under-served Loiret communes, a weekly
plan each, a season of sessions run in rota by the demo cardiologists — past ones held with
appointments of demo referrals, the ones to come published with free places. Idempotent: adds
nothing when the demo sites exist."""

from datetime import time, timedelta

from django.utils import timezone

from ess.models import Specialty
from partners.models import Partner
from referrals.consultations.rota import Availability, SessionSlot, fair_assignment
from referrals.consultations.services import plan_dates, session_location
from referrals.models import (
    Appointment,
    ConsultationPlan,
    ConsultationSession,
    ConsultationSite,
    Referral,
    ResponseMode,
    SessionStatus,
    Status,
)

SITES = [
    {
        "name": "Consultations avancées de Pithiviers",
        "commune_id": "45252",
        "address": "10 boulevard Beauvallet",
        "host": "Centre hospitalier régional d'Orléans",
        "rooms": "Un box de consultation au rez-de-chaussée, ECG et échographe partagés.",
        "accessibility": "Accès de plain-pied, parking réservé devant l'entrée.",
        "weekday": 1,  # Tuesday morning
        "hours": (time(9), time(12)),
    },
    {
        "name": "Consultations avancées de Gien",
        "commune_id": "45155",
        "address": "2 avenue de Montbricon",
        "host": "",
        "rooms": "Salle de consultation de la maison médicale municipale, ECG.",
        "accessibility": "Ascenseur ; place de stationnement PMR.",
        "weekday": 3,  # Thursday afternoon
        "hours": (time(14), time(17)),
    },
]
PAST_WEEKS = 36
NEXT_WEEKS = 12
PER_HELD_SESSION = 3
PER_FUTURE_SESSION = 2


def seed_consultations(users: dict) -> int:
    """Returns the number of sessions created (0 when already seeded)."""
    specialty = Specialty.objects.filter(code="cardiologie").first()
    volunteers = [users[k] for k in ("cardiologue", "cardiologue2") if k in users]
    if specialty is None or not volunteers:
        return 0
    if ConsultationSite.objects.filter(name=SITES[0]["name"]).exists():
        return 0
    today = timezone.localdate()
    created = 0
    for spec in SITES:
        host = (
            Partner.objects.filter(name__icontains=spec["host"]).first() if spec["host"] else None
        )
        site = ConsultationSite.objects.create(
            name=spec["name"],
            commune_id=spec["commune_id"],
            address=spec["address"],
            host=host,
            rooms=spec["rooms"],
            accessibility=spec["accessibility"],
            underserved=True,
        )
        site.specialties.set([specialty])
        start, end = spec["hours"]
        plan = ConsultationPlan.objects.create(
            site=site,
            specialty=specialty,
            weekday=spec["weekday"],
            start_time=start,
            end_time=end,
            season_start=today - timedelta(weeks=PAST_WEEKS),
            season_end=today + timedelta(weeks=NEXT_WEEKS),
            capacity=6,
            slot_minutes=30,
        )
        plan.volunteers.set(volunteers)
        sessions = [
            ConsultationSession(
                site=site,
                plan=plan,
                specialty=specialty,
                date=day,
                starts_at=timezone.make_aware(timezone.datetime.combine(day, start)),
                ends_at=timezone.make_aware(timezone.datetime.combine(day, end)),
                capacity=plan.capacity,
                slot_minutes=plan.slot_minutes,
            )
            for day in plan_dates(plan)
        ]
        slots = [SessionSlot(i, s.starts_at, s.ends_at) for i, s in enumerate(sessions)]
        availability = Availability(
            [v.pk for v in volunteers], sessions[0].starts_at, sessions[-1].ends_at
        )
        assignment = fair_assignment(slots, [v.pk for v in volunteers], availability.available)
        for i, session in enumerate(sessions):
            session.specialist_id = assignment[i]
            session.status = SessionStatus.PUBLISHED if assignment[i] else SessionStatus.DRAFT
        ConsultationSession.objects.bulk_create(sessions)
        created += len(sessions)
    coordinator = users.get("coordination")
    _book_demo_referrals(coordinator.pk if coordinator else None)
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
