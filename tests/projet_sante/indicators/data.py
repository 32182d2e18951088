"""A hand-built quarter (2026-Q1) whose indicators are worked out by hand in the tests."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from ess.models import Specialty
from referrals.models import EventKind
from tests.factories import (
    CampaignActionFactory,
    CampaignFactory,
    CaseMeetingFactory,
    ConventionFactory,
    EtpProgrammeFactory,
    EtpSessionFactory,
    MeetingCaseFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnerFactory,
    PathwayAlertFactory,
    PathwayFactory,
    PathwayTaskFactory,
    PlacementFactory,
    ReferralFactory,
    RegistrationFactory,
    TrainingFactory,
    UserFactory,
    cardiology,
)

PARIS = ZoneInfo("Europe/Paris")
T0 = datetime(2026, 2, 2, 8, 0, tzinfo=PARIS)


def h(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def _referral(**kwargs):
    return ReferralFactory(submitted_at=T0, specialty=cardiology(), **kwargs)


def build_quarter() -> dict:
    """Seven referrals submitted on 2 February 2026 (one more just after the quarter).

    | ref | prio | triage | response             | status     | notes                       |
    | R1  | P1   | 2 h    | answer 10 h          | completed  | within due (24 h)           |
    | R2  | P1   | 4 h    | answer 30 h          | completed  | late                        |
    | R3  | P2   | 1 h    | scheduled 20 h       | scheduled  | within due (48 h)           |
    | R4  | P2   | 6 h    | none, due passed     | triaged    | declined once: late         |
    | R5  | P2   | 8 h    | none                 | reoriented | out of the P2 base          |
    | R6  | -    | -      | -                    | cancelled  | dermatology, MSP, Ajaccio   |
    | R8  | P2   | 3 h    | answer 40 h, sch. 60 | scheduled  | within due (first = 40 h)   |
    """
    specialist = UserFactory(specialist=True)
    common = {"specialist": specialist, "accepted_at": h(9)}

    def triaged(priority, triage_h, **extra):
        return {
            "priority": priority,
            "triaged_at": h(triage_h),
            "due_at": T0 + timedelta(hours=24 if priority == "P1" else 48),
            **extra,
        }

    r1 = _referral(
        status="completed",
        response_mode="teleexpertise_async",
        answer="Avis : pas d'urgence.",
        answered_at=h(10),
        completed_at=h(10),
        **triaged("P1", 2),
        **common,
    )
    r2 = _referral(
        status="completed",
        response_mode="teleexpertise_async",
        answer="Avis tardif.",
        answered_at=h(30),
        completed_at=h(30),
        **triaged("P1", 4),
        **common,
    )
    r3 = _referral(
        status="scheduled",
        response_mode="teleconsultation",
        appointment_at=h(100),
        **triaged("P2", 1),
        **common,
    )
    r3.events.create(to_status="scheduled", from_status="accepted", at=h(20))
    r4 = _referral(status="triaged", response_mode="teleconsultation", **triaged("P2", 6))
    r4.events.create(kind=EventKind.DECLINE, at=h(7), internal=True, note="Indisponible")
    r5 = _referral(
        status="reoriented",
        response_mode="hospital_orientation",
        reorient_target="CHR d'Orléans",
        **triaged("P2", 8),
    )
    msp = UserFactory(requester=True, organisation=OrganisationFactory(kind="msp"))
    r6 = ReferralFactory(
        submitted_at=T0,
        requester=msp,
        specialty=Specialty.objects.get(code="dermatologie"),
        patient__commune_id="2A004",
        status="cancelled",
    )
    r8 = _referral(
        status="scheduled",
        response_mode="teleconsultation",
        answer="Avis : consultation nécessaire.",
        answered_at=h(40),
        appointment_at=h(120),
        **triaged("P2", 3),
        **common,
    )
    r8.events.create(to_status="scheduled", from_status="accepted", at=h(60))
    # Just after the quarter (00:30 on 1 April in Paris is Q2), and just before its end.
    r7 = ReferralFactory(submitted_at=datetime(2026, 4, 1, 0, 30, tzinfo=PARIS))
    return {"r1": r1, "r2": r2, "r3": r3, "r4": r4, "r5": r5, "r6": r6, "r7": r7, "r8": r8}


def build_network() -> None:
    """Members and partners as of 31 March 2026: 2 cardiologists and 1 dermatologist in."""
    joined = datetime(2025, 6, 1, tzinfo=PARIS)
    derm = Specialty.objects.get(code="dermatologie")
    MembershipFactory(active=True, joined_at=joined)
    MembershipFactory(active=True, joined_at=joined)
    MembershipFactory(active=True, joined_at=joined, specialty=derm)
    # Left during the quarter: not a member on its last day.
    MembershipFactory(status="left", joined_at=joined, ended_at=datetime(2026, 2, 15, tzinfo=PARIS))
    # Joined after the quarter.
    MembershipFactory(active=True, joined_at=datetime(2026, 5, 1, tzinfo=PARIS))
    partner = PartnerFactory(created_at=datetime(2025, 9, 1, tzinfo=PARIS))
    PartnerFactory(created_at=datetime(2025, 10, 1, tzinfo=PARIS))
    PartnerFactory(created_at=datetime(2026, 6, 1, tzinfo=PARIS))  # after the quarter
    ConventionFactory(
        status="active",
        signed_on=date(2026, 1, 5),
        effective_on=date(2026, 1, 10),
        parties=[partner],
    )
    ConventionFactory(
        status="expired",
        signed_on=date(2025, 1, 5),
        effective_on=date(2025, 1, 10),
        end_on=date(2026, 2, 1),
        parties=[partner],
    )
    ConventionFactory(status="draft", parties=[partner])


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=PARIS)


def build_pathways() -> dict:
    """Care pathways, delegated tasks, alerts and case meetings around 2026-Q1.

    Pathways (opened → status at 31 March):
    | P1 | 10 Dec 2025 | active                     | open at the end, opened before |
    | P2 |  1 Feb 2026 | paused on 1 March          | open, opened (patient in 2A)   |
    | P3 | 15 Jan 2026 | closed on 10 March         | opened, not open at the end    |
    | P4 | 20 Jan 2026 | closed on 5 April          | open at the end, opened        |
    | P5 |  2 Apr 2026 | active                     | after the quarter              |

    Tasks due in the quarter: T1 done on its due day at 23:30 (on time), T2 done at 00:30 the
    day after (late; the same UTC day), T3 still to do after its due day (late), T4 cancelled
    (out), T6 done two days early (on time); T5 due in April (out). Known 4, on time 2.

    Alerts raised in the quarter: answered after 2, 6 and 13 hours, one unanswered (median 6 h
    on 3); one raised in April.

    Meetings held in the quarter: M1 (2 cases decided, 1 not yet) and M2 (23:30 on 31 March);
    M3 planned, M4 cancelled, M5 held in April with its case decided then.
    """
    p1 = PathwayFactory(created_at=at(date(2025, 12, 10)))
    p2 = PathwayFactory(
        created_at=at(date(2026, 2, 1)),
        paused=True,
        history=at(date(2026, 3, 1)),
        patient__commune_id="2A004",
    )
    p3 = PathwayFactory(
        created_at=at(date(2026, 1, 15)), closed=True, history=at(date(2026, 3, 10))
    )
    p4 = PathwayFactory(created_at=at(date(2026, 1, 20)), closed=True, history=at(date(2026, 4, 5)))
    p5 = PathwayFactory(created_at=at(date(2026, 4, 2)))

    nurse = UserFactory(paramedic=True)
    feb10 = date(2026, 2, 10)
    task = {"pathway": p1, "assignee": nurse}
    PathwayTaskFactory(due_on=feb10, done=True, done_at=at(feb10, 23, 30), **task)  # T1
    PathwayTaskFactory(due_on=feb10, done=True, done_at=at(date(2026, 2, 11), 0, 30), **task)
    PathwayTaskFactory(due_on=date(2026, 3, 1), **task)  # T3
    PathwayTaskFactory(due_on=date(2026, 3, 5), status="cancelled", **task)  # T4
    PathwayTaskFactory(due_on=date(2026, 4, 10), done=True, done_at=at(date(2026, 4, 10)), **task)
    PathwayTaskFactory(due_on=date(2026, 1, 5), done=True, done_at=at(date(2026, 1, 3)), **task)

    doctor = UserFactory(specialist=True)

    def alert(raised: datetime, answered_after: float | None = None, pathway=p1):
        answered = {}
        if answered_after is not None:
            answered = {"answered": True, "answered_at": raised + timedelta(hours=answered_after)}
        return PathwayAlertFactory(
            raised_at=raised,
            doctor=doctor,
            task__pathway=pathway,
            task__assignee=nurse,
            task__due_on=date(2026, 6, 30),  # outside the quarter's tasks
            **answered,
        )

    alert(at(feb10), 2)
    alert(at(date(2026, 2, 12)), 6, pathway=p2)
    alert(at(date(2026, 3, 1)), 13)
    alert(at(date(2026, 3, 20)))
    alert(at(date(2026, 4, 2)), 1)

    m1 = CaseMeetingFactory(held=True, starts_at=at(date(2026, 2, 20), 14))
    decided = at(date(2026, 2, 20), 15)
    MeetingCaseFactory(meeting=m1, pathway=p1, decided=True, decided_at=decided)
    MeetingCaseFactory(meeting=m1, pathway=p2, decided=True, decided_at=decided)
    MeetingCaseFactory(meeting=m1, pathway=p3)
    CaseMeetingFactory(held=True, starts_at=at(date(2026, 3, 31), 23, 30))
    CaseMeetingFactory(starts_at=at(date(2026, 3, 15)))
    CaseMeetingFactory(
        status="cancelled", cancel_reason="Quorum non atteint.", starts_at=at(date(2026, 1, 10))
    )
    m5 = CaseMeetingFactory(held=True, starts_at=at(date(2026, 4, 3)))
    MeetingCaseFactory(meeting=m5, pathway=p4, decided=True, decided_at=at(date(2026, 4, 3), 11))
    return {"p1": p1, "p2": p2, "p3": p3, "p4": p4, "p5": p5}


def build_events() -> dict:
    """Trainings, campaigns, ETP sessions and residents around 2026-Q1.

    Trainings (start, status, certified hours: registrations):
    | T1 | 10 Feb 19:30 | held      | 2.0 h: a, b present; c absent; d not ticked; e cancelled |
    | T2 | 31 Mar 23:30 | held      | 3.5 h: a (again), f present; no specialty                 |
    | T3 |  2 Apr       | held      | 2.0 h: g present (Q2)                                      |
    | T4 | 15 Mar       | published | never marked held: not counted                             |
    | T5 | 20 Feb       | cancelled |                                                           |
    Q1: 2 held, 3 professionals (a, b, f), 5.5 h given, 2×2 + 3.5×2 = 11 trainee-hours.

    Campaigns: C1 (Jan–Jun 2026, cardiology) acts on 1 Feb (120 reached, 45 screened, 6
    referred) and 10 Apr (50, 10, 2); C2 (Oct 2025 – 5 Jan 2026) on 1 Dec (200, 0, 0) and 3 Jan
    (30, 4, 1); C3 (April 2026) none. Q1: 2 active, 150 reached, 49 screenings, 7 referrals.

    ETP (cardiology): 20 Jan (8 patients), 3 Mar (4), 5 Apr (6). Q1: 2 sessions, 12 patients.
    Residents: one placement from November 2025 to May 2026 (Q1), one from May 2026, one
    ending on 1 November 2025.
    """
    t1 = TrainingFactory(
        held=True,
        title="Insuffisance cardiaque en ville",
        starts_at=at(date(2026, 2, 10), 19, 30),
    )
    for email in ("a@exemple.fr", "b@exemple.fr"):
        RegistrationFactory(training=t1, email=email, attended=True)
    RegistrationFactory(training=t1, email="c@exemple.fr", attended=False)
    RegistrationFactory(training=t1, email="d@exemple.fr")
    RegistrationFactory(training=t1, email="e@exemple.fr", status="cancelled")
    t2 = TrainingFactory(
        held=True,
        title="Webinaire dermatoscopie",
        kind="webinar",
        specialty=None,
        hours=Decimal("3.5"),
        starts_at=at(date(2026, 3, 31), 23, 30),
    )
    for email in ("a@exemple.fr", "f@exemple.fr"):
        RegistrationFactory(training=t2, email=email, attended=True)
    t3 = TrainingFactory(held=True, starts_at=at(date(2026, 4, 2), 19))
    RegistrationFactory(training=t3, email="g@exemple.fr", attended=True)
    TrainingFactory(starts_at=at(date(2026, 3, 15), 19))
    TrainingFactory(
        status="cancelled",
        cancel_reason="Intervenant indisponible.",
        starts_at=at(date(2026, 2, 20), 19),
    )

    c1 = CampaignFactory(
        title="Dépistage de l'hypertension au marché",
        specialty=cardiology(),
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 6, 30),
    )
    CampaignActionFactory(campaign=c1, held_on=date(2026, 2, 1))
    CampaignActionFactory(
        campaign=c1,
        held_on=date(2026, 4, 10),
        people_reached=50,
        screenings_done=10,
        referrals_generated=2,
    )
    c2 = CampaignFactory(
        title="Mois sans tabac",
        kind="prevention",
        starts_on=date(2025, 10, 1),
        ends_on=date(2026, 1, 5),
    )
    CampaignActionFactory(
        campaign=c2,
        held_on=date(2025, 12, 1),
        people_reached=200,
        screenings_done=0,
        referrals_generated=0,
    )
    CampaignActionFactory(
        campaign=c2,
        held_on=date(2026, 1, 3),
        people_reached=30,
        screenings_done=4,
        referrals_generated=1,
    )
    c3 = CampaignFactory(starts_on=date(2026, 4, 1), ends_on=date(2026, 5, 1))

    programme = EtpProgrammeFactory()
    EtpSessionFactory(programme=programme, held_on=date(2026, 1, 20), patients_count=8)
    EtpSessionFactory(programme=programme, held_on=date(2026, 3, 3), patients_count=4)
    EtpSessionFactory(programme=programme, held_on=date(2026, 4, 5), patients_count=6)

    PlacementFactory(starts_on=date(2025, 11, 2), ends_on=date(2026, 5, 3))
    PlacementFactory(starts_on=date(2026, 5, 4), ends_on=date(2026, 11, 1))
    PlacementFactory(starts_on=date(2025, 5, 5), ends_on=date(2025, 11, 1))
    return {"t1": t1, "t2": t2, "t3": t3, "c1": c1, "c2": c2, "c3": c3}
