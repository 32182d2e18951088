"""Demo ETP programmes (etp.toml) and their sessions, played through the services at the
moments the file gives. Idempotent: a programme whose authorisation number is already recorded
is not recorded again."""

from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone

from ess.demo_data import Moment, demo_clock, demo_data_load, demo_moment
from ess.models import Specialty
from events.models import EtpProgramme
from events.services import etp as services
from members.models import User

DATA_FILE = Path(__file__).with_name("etp.toml")


@dataclass(frozen=True)
class SessionData:
    held: Moment
    topic: str
    patients: int
    facilitators: tuple[str, ...] = ()
    collective: bool = True


@dataclass(frozen=True)
class ProgrammeData:
    title: str
    authorisation_number: str
    authorised: Moment
    recorded_by: str
    sessions: tuple[SessionData, ...]
    specialty: str = ""
    coordinator: str = ""
    coordinator_name: str = ""
    description: str = ""


@dataclass(frozen=True)
class EtpData:
    programmes: tuple[ProgrammeData, ...]


def load(path: Path = DATA_FILE) -> EtpData:
    return demo_data_load(path, EtpData)


def seed_etp(users: dict[str, User]) -> list[EtpProgramme]:
    today = timezone.localdate()
    seeded = []
    for data in load().programmes:
        if EtpProgramme.objects.filter(authorisation_number=data.authorisation_number).exists():
            continue
        by = users[data.recorded_by]
        authorised = demo_moment(data.authorised, today=today)
        with demo_clock() as travel:
            travel(authorised)
            programme = services.etp_programme_create(
                by=by,
                title=data.title,
                authorisation_number=data.authorisation_number,
                authorised_on=timezone.localdate(authorised),
                specialty=Specialty.objects.filter(code=data.specialty).first(),
                coordinator=users.get(data.coordinator),
                coordinator_name=data.coordinator_name,
                description=data.description,
            )
            for session in data.sessions:
                held = demo_moment(session.held, today=today)
                travel(held)
                services.etp_session_record(
                    programme_id=programme.pk,
                    by=by,
                    held_on=timezone.localdate(held),
                    topic=session.topic,
                    collective=session.collective,
                    patients_count=session.patients,
                    facilitators=[users[local] for local in session.facilitators],
                )
        seeded.append(programme)
    return seeded
