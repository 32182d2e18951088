"""Demo places and times (seed_demo): the coordination's opening hours and summer closure, the
specialists' slots to come, and two advanced-consultation
sites in under-served Loiret communes with a weekly plan each and a season of sessions run in
rota by the demo cardiologists (past ones held, the ones to come published). The referrals booked
into them come from referrals/booking/demo.py. Idempotent: slots are added only for a specialist
who has none to come, sites only when the demo sites do not exist, on-call rosters only when
cardiology has none, the opening to the SAS only when the cardiologist opened nothing yet."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from ess.demo_data import demo_clock
from ess.models import Specialty
from members.demo import load as members_data
from members.models import User
from partners.models import Partner, Protocol
from scheduling.models import (
    AvailabilitySlot,
    Closure,
    ConsultationPlan,
    ConsultationSession,
    ConsultationSite,
    OnCallShift,
    OpeningRange,
    SessionStatus,
)
from scheduling.rota import Availability, SessionSlot, fair_assignment
from scheduling.services import (
    PlanInput,
    closure_add,
    on_call_roster_generate,
    on_call_roster_publish,
    on_call_shift_create,
    on_call_shifts_create,
    on_call_volunteers_set,
    opening_range_add,
    plan_create,
    plan_dates,
    rota_propose,
    sessions_publish,
    slot_publish,
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


def seed_slots(specialists) -> None:
    """Two weekly slots for the next four weeks for each specialist, unless some are already to
    come."""
    for user in specialists:
        _slots(user)


def seed_consultation_sites(users: dict) -> int:
    """Returns the number of sessions created (0 when already seeded, or without the demo
    cardiologists)."""
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
                starts_at=timezone.make_aware(datetime.combine(day, start)),
                ends_at=timezone.make_aware(datetime.combine(day, end)),
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
    return created


def _slots(user: User) -> None:
    """Two weekly slots for the next four weeks, unless some are already to come."""
    if AvailabilitySlot.objects.filter(specialist=user, starts_at__gte=timezone.now()).exists():
        return
    tomorrow = timezone.localdate() + timedelta(days=1)
    offset = user.pk % 5
    cabinet = f"Cabinet, {members_data().addresses['45234']}, Orléans"
    for day, start, tele in ((offset, 14, False), ((offset + 2) % 5, 9, True)):
        on = tomorrow + timedelta(days=(day - tomorrow.weekday()) % 7)
        if timezone.make_aware(datetime.combine(on, time(start))) <= timezone.now():
            on += timedelta(weeks=1)
        slot_publish(
            by=user,
            day=on,
            start=time(start),
            end=time(start + 2),
            teleconsultation=tele,
            place="" if tele else cabinet,
            capacity=2,
            weeks=4,
        )


ON_CALL_PAST_WEEKS = 3
ON_CALL_NEXT_WEEKS = 4


def seed_on_call(users: dict) -> int:
    """Cardiology's on-call roster from a few weeks back to a few weeks ahead: every weekday
    morning and afternoon, shared between the two demo cardiologists (volunteers) and published
    by the manager the week before it starts; then a Saturday-morning shift added in the coming
    days that nobody holds yet (a gap on the roster and in the managers' to-do). Returns the
    number of shifts created (0 when cardiology already has shifts)."""
    specialty = Specialty.objects.filter(code="cardiologie").first()
    volunteers = [users[k] for k in ("cardiologue", "cardiologue2") if k in users]
    manager = users.get("direction")
    if specialty is None or not volunteers or manager is None:
        return 0
    if OnCallShift.objects.filter(specialty=specialty).exists():
        return 0
    today = timezone.localdate()
    first_day = today - timedelta(days=today.weekday(), weeks=ON_CALL_PAST_WEEKS)
    last_day = first_day + timedelta(weeks=ON_CALL_PAST_WEEKS + ON_CALL_NEXT_WEEKS, days=-1)
    period = {"specialty": specialty, "first_day": first_day, "last_day": last_day}
    with demo_clock() as move_to:
        move_to(timezone.make_aware(datetime.combine(first_day - timedelta(days=7), time(10))))
        on_call_volunteers_set(by=manager, specialty=specialty, volunteers=volunteers)
        created = on_call_shifts_create(
            by=manager, presets=["morning", "afternoon"], weekdays=[0, 1, 2, 3, 4], **period
        ).created
        on_call_roster_generate(by=manager, **period)
        on_call_roster_publish(by=manager, **period)
    # The next Saturday morning still to come: within the week of the managers' gap warning.
    saturday = today + timedelta(days=(5 - today.weekday()) % 7)
    if timezone.make_aware(datetime.combine(saturday, time(9))) <= timezone.now():
        saturday += timedelta(weeks=1)
    on_call_shift_create(
        by=manager,
        specialty=specialty,
        starts_at=timezone.make_aware(datetime.combine(saturday, time(9))),
        ends_at=timezone.make_aware(datetime.combine(saturday, time(12))),
        note="Samedi matin : à pourvoir",
    )
    on_call_roster_publish(by=manager, specialty=specialty, first_day=saturday, last_day=saturday)
    return created + 1


def seed_sas_opening(users: dict) -> int:
    """The first demo cardiologist opens their office slots and their Pithiviers sessions to
    come to the SAS (teleconsultations and the second cardiologist's places stay closed), unless
    they opened something already. Returns the number of slots and sessions opened."""
    cardiologist = users.get("cardiologue")
    if cardiologist is None:
        return 0
    now = timezone.now()
    slots = AvailabilitySlot.objects.filter(specialist=cardiologist, starts_at__gt=now)
    sessions = ConsultationSession.objects.filter(
        specialist=cardiologist, starts_at__gt=now, status=SessionStatus.PUBLISHED
    )
    if slots.filter(sas_open=True).exists() or sessions.filter(sas_open=True).exists():
        return 0
    return slots.filter(teleconsultation=False).update(sas_open=True) + sessions.filter(
        site__name=SITES[0]["name"]
    ).update(sas_open=True)


OPENING_HOURS = ((time(8, 30), time(12, 30)), (time(13, 30), time(18, 30)))


def seed_opening_hours(manager: User) -> None:
    """The coordination's hours, Monday to Friday, and the summer closure to come (the first
    two weeks of August), unless hours or closures were recorded already."""
    if not OpeningRange.objects.exists():
        for weekday in range(5):
            for opens_at, closes_at in OPENING_HOURS:
                opening_range_add(
                    by=manager, weekday=weekday, opens_at=opens_at, closes_at=closes_at
                )
    if not Closure.objects.exists():
        today = timezone.localdate()
        year = today.year if today < date(today.year, 8, 1) else today.year + 1
        closure_add(
            by=manager,
            starts_on=date(year, 8, 3),
            ends_on=date(year, 8, 14),
            reason="Fermeture estivale",
        )


# A nurse-led consultation under the heart-failure cooperation protocol (partners' demo): the
# IPA consults at Pithiviers on Friday mornings for the coming weeks.
NURSE_LED = {
    "site": "Consultations avancées de Pithiviers",
    "protocol": "Protocole de coopération — suivi de l'insuffisance cardiaque par IPA",
    "weekday": 4,  # Friday morning
    "hours": (time(9), time(12)),
}


def seed_nurse_led_plan(users: dict) -> int:
    """The IPA's nurse-led plan, through the services: created, volunteered for, its rota
    proposed and published. Returns the number of sessions published (0 when already seeded, or
    without the site, the protocol or the IPA)."""
    manager, ipa = users.get("direction"), users.get("ipa")
    site = ConsultationSite.objects.filter(name=NURSE_LED["site"]).first()
    protocol = Protocol.objects.filter(convention__title=NURSE_LED["protocol"]).first()
    if not (manager and ipa and site and protocol):
        return 0
    if ConsultationPlan.objects.filter(site=site, protocol=protocol).exists():
        return 0
    today = timezone.localdate()
    start, end = NURSE_LED["hours"]
    plan = plan_create(
        by=manager,
        site_id=site.pk,
        data=PlanInput(
            specialty=protocol.specialty,
            weekday=NURSE_LED["weekday"],
            start_time=start,
            end_time=end,
            season_start=today + timedelta(days=1),
            season_end=today + timedelta(weeks=NEXT_WEEKS),
            capacity=4,
            slot_minutes=45,
            volunteers=[ipa],
            protocol=protocol,
        ),
    )
    rota_propose(by=manager, plan_id=plan.pk)
    published, _left = sessions_publish(by=manager, plan_id=plan.pk)
    return published
