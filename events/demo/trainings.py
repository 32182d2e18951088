"""Demo trainings (trainings.toml): one held last quarter with its attendance taken, one to
come with two places left, one draft; played through the services at their moments.
Idempotent: a training of the same title is not created twice.
Registrations go through the public registration's service, the email address confirmed as
its link would."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Annotated

from django.utils import timezone

from ess.demo_data import (
    Moment,
    OneOf,
    demo_clock,
    demo_data_load,
    demo_moment,
    exactly_one,
    unknown,
)
from ess.models import Specialty
from events.models import Training, TrainingKind
from events.services import attendance as attendance_services
from events.services import registrations
from events.services import trainings as services
from members.models import Profession, User

DATA_FILE = Path(__file__).with_name("trainings.toml")


@dataclass(frozen=True)
class RegistrantData:
    account: str = ""
    name: tuple[str, str] = ("", "")
    email: str = ""
    profession: str = ""
    organisation: str = ""

    def check(self) -> list[str]:
        problem = "registrants: name a demo account or an email (one of them)"
        professions = [self.profession] if self.profession else []
        return exactly_one(problem, self.account, self.email) or unknown(
            "profession", professions, Profession
        )

    @property
    def full_name(self) -> str:
        return " ".join(self.name).strip()


@dataclass(frozen=True)
class TrainingData:
    title: str
    kind: Annotated[str, OneOf(TrainingKind.values)]
    organiser: str
    created: Moment
    starts: Moment
    hours: str
    duration_minutes: int
    capacity: int
    specialty: str = ""
    summary: str = ""
    programme: str = ""
    speakers: tuple[str, ...] = ()
    published: Moment = ""
    from_quarter_start: bool = False
    place: str = ""
    video_url: str = ""
    target_professions: tuple[str, ...] = ()
    registrants: tuple[RegistrantData, ...] = ()
    # Registrants (by account or full name) marked absent when the attendance is taken.
    absent: tuple[str, ...] = ()

    def check(self) -> list[str]:
        return unknown("target_professions", self.target_professions, Profession)


@dataclass(frozen=True)
class TrainingsData:
    trainings: tuple[TrainingData, ...]


def load(path: Path = DATA_FILE) -> TrainingsData:
    return demo_data_load(path, TrainingsData)


def _quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _register(training: Training, data: RegistrantData, users: dict[str, User]) -> None:
    """Register as the public pages do: an account in one click; anyone else with the form,
    then the link of the confirmation email."""
    if data.account:
        registrations.registration_create(training_id=training.pk, by=users[data.account])
        return
    registration = registrations.registration_create(
        training_id=training.pk,
        first_name=data.name[0],
        last_name=data.name[1],
        email=data.email,
        profession=data.profession,
        organisation=data.organisation,
    )
    registrations.registration_confirm(registration_id=registration.pk)


def _is_absent(data: RegistrantData, absent: set[str]) -> bool:
    return data.account in absent or data.full_name in absent


def seed_trainings(users: dict[str, User]) -> list[Training]:
    now = timezone.now()
    today = timezone.localdate(now)
    seeded = []
    for data in load().trainings:
        if Training.objects.filter(title=data.title).exists():
            continue
        origin = _quarter_start(today) if data.from_quarter_start else today
        starts = demo_moment(data.starts, today=origin)
        organiser = users[data.organiser]
        with demo_clock() as travel:
            travel(demo_moment(data.created, today=origin))
            training = services.training_create(
                by=organiser,
                title=data.title,
                kind=data.kind,
                specialty=Specialty.objects.filter(code=data.specialty).first(),
                summary=data.summary,
                programme=data.programme,
                starts_at=starts,
                ends_at=starts + timedelta(minutes=data.duration_minutes),
                hours=Decimal(data.hours),
                place=data.place,
                video_url=data.video_url,
                capacity=data.capacity,
                target_professions=list(data.target_professions),
                speakers=[users[local] for local in data.speakers],
            )
            seeded.append(training)
            if not data.published:
                continue
            published = demo_moment(data.published, today=origin)
            travel(published)
            services.training_publish(training_id=training.pk, by=organiser)
            for n, registrant in enumerate(data.registrants):
                travel(published + timedelta(days=1, hours=n))
                _register(training, registrant, users)
            if starts >= now:  # to come: its registrations only
                continue
            travel(starts + timedelta(minutes=data.duration_minutes))
            services.training_hold(training_id=training.pk, by=organiser)
            absent = set(data.absent)
            present = [
                registration.pk
                for registration, registrant in zip(
                    training.registrations.order_by("created_at", "pk"),
                    data.registrants,
                    strict=True,
                )
                if not _is_absent(registrant, absent)
            ]
            attendance_services.attendance_record(
                training_id=training.pk, present_ids=present, by=organiser
            )
    return seeded
