"""Demo trainings (trainings.toml): one held last quarter with its attendance taken, one to
come with two places left, one draft; played through the services at their moments.
Idempotent: a training of the same title is not created twice.

The registrations of the demo are written as confirmed rows by `_registered` below (the
public registration's service asks for an email confirmation the demo cannot click)."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from ess.demo_data import demo_clock, demo_data_load, demo_moment, moment_problems, unknown
from ess.models import Specialty
from events.models import Registration, RegistrationStatus, Training, TrainingKind
from events.services import attendance as attendance_services
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
        if bool(self.account) == bool(self.email):
            return ["registrants: name a demo account or an email (one of them)"]
        return unknown("profession", [self.profession] if self.profession else [], Profession)

    @property
    def full_name(self) -> str:
        return " ".join(self.name).strip()


@dataclass(frozen=True)
class TrainingData:
    title: str
    kind: str
    organiser: str
    created: str
    starts: str
    hours: str
    duration_minutes: int
    capacity: int
    specialty: str = ""
    summary: str = ""
    programme: str = ""
    speakers: tuple[str, ...] = ()
    published: str = ""
    from_quarter_start: bool = False
    place: str = ""
    video_url: str = ""
    target_professions: tuple[str, ...] = ()
    registrants: tuple[RegistrantData, ...] = ()
    # Registrants (by account or full name) marked absent when the attendance is taken.
    absent: tuple[str, ...] = ()

    def check(self) -> list[str]:
        return (
            moment_problems("moments", [self.created, self.published, self.starts])
            + unknown("kind", [self.kind], TrainingKind)
            + unknown("target_professions", self.target_professions, Profession)
        )


@dataclass(frozen=True)
class TrainingsData:
    trainings: tuple[TrainingData, ...]


def load(path: Path = DATA_FILE) -> TrainingsData:
    return demo_data_load(path, TrainingsData)


def _quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _registered(training: Training, data: RegistrantData, users: dict[str, User]) -> None:
    """A confirmed registration, as the public registration leaves it once the address is
    confirmed (demo only)."""
    user = users[data.account] if data.account else None
    Registration.objects.create(
        training=training,
        user=user,
        email=(user.email if user else data.email).lower(),
        first_name=user.first_name if user else data.name[0],
        last_name=user.last_name if user else data.name[1],
        profession=(user.profession if user else data.profession) or "",
        organisation=data.organisation,
        status=RegistrationStatus.CONFIRMED,
        confirmed_at=timezone.now(),
    )


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
                _registered(training, registrant, users)
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
