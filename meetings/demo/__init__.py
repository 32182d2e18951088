"""Demo case meetings (data.toml): a held télé-RCP whose decisions land in the cases' timelines
and reach their GPs, and one to come with its agenda. Played through the services at their
moments. Idempotent: a meeting of the same title and organiser is not planned twice."""

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from ess.demo_data import Moment, demo_clock, demo_data_load, demo_moment, exactly_one
from ess.models import Specialty
from meetings import services
from meetings.models import CaseMeeting
from members.models import User
from partners.models import Contact
from pathways.models import Pathway
from referrals.models import Referral, Status

DATA_FILE = Path(__file__).with_name("data.toml")


@dataclass(frozen=True)
class CaseData:
    question: str
    pathway: str = ""
    referral_of: str = ""
    decision: str = ""

    def check(self) -> list[str]:
        problem = "cases: name a pathway or a GP's referral (one of them)"
        return exactly_one(problem, self.pathway, self.referral_of)


@dataclass(frozen=True)
class MeetingData:
    title: str
    organiser: str
    planned: Moment
    starts: Moment
    members: tuple[str, ...]
    cases: tuple[CaseData, ...]
    theme: str = ""
    specialty: str = ""
    video_url: str = ""
    contacts: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()


@dataclass(frozen=True)
class MeetingsData:
    meetings: tuple[MeetingData, ...]


def load(path: Path = DATA_FILE) -> MeetingsData:
    return demo_data_load(path, MeetingsData)


def _case_ids(case: CaseData, users: dict[str, User]) -> dict:
    if case.pathway:
        pathway = Pathway.objects.filter(title=case.pathway).first()
        return {"pathway_public_id": pathway.public_id} if pathway else {}
    referral = (
        Referral.objects.filter(requester=users[case.referral_of], status=Status.COMPLETED)
        .order_by("-completed_at")
        .first()
    )
    return {"referral_public_id": referral.public_id} if referral else {}


def seed_meetings(users: dict[str, User]) -> list[CaseMeeting]:
    now = timezone.now()
    today = timezone.localdate(now)
    planned = []
    for data in load().meetings:
        organiser = users[data.organiser]
        if CaseMeeting.objects.filter(title=data.title, organiser=organiser).exists():
            continue
        starts = demo_moment(data.starts, today=today)
        with demo_clock() as travel:
            travel(demo_moment(data.planned, today=today))
            meeting = services.meeting_create(
                by=organiser,
                title=data.title,
                starts_at=starts,
                specialty=Specialty.objects.filter(code=data.specialty).first(),
                theme=data.theme,
                video_url=data.video_url,
            )
            for local in data.members:
                services.meeting_participant_add(
                    meeting_id=meeting.pk, by=organiser, user=users[local]
                )
            for contact in Contact.objects.filter(email__in=data.contacts):
                services.meeting_participant_add(
                    meeting_id=meeting.pk, by=organiser, contact=contact
                )
            cases = []
            for case in data.cases:
                ids = _case_ids(case, users)
                if ids:
                    added = services.meeting_case_add(
                        meeting_id=meeting.pk, by=organiser, question=case.question, **ids
                    )
                    cases.append((added, case.decision))
            if starts >= now:  # to come: its agenda only
                planned.append(meeting)
                continue
            travel(starts + timedelta(minutes=50))
            services.meeting_hold(meeting_id=meeting.pk, by=organiser)
            absent = {users[local].pk for local in data.absent}
            present = list(
                meeting.participants.exclude(user__in=absent).values_list("pk", flat=True)
            )
            services.meeting_attendance_record(meeting_id=meeting.pk, by=organiser, present=present)
            for added, decision in cases:
                if decision:
                    services.meeting_case_decide(case_id=added.pk, by=organiser, decision=decision)
        planned.append(meeting)
    return planned
