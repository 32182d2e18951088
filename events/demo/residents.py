"""Demo residents (residents.toml): a supervisor, their offer for the latest semester of its
season begun by the seeding day, and the residents placed on it for the whole semester. Played
through the services. Idempotent: a member already registered as a supervisor is skipped."""

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Annotated

from django.utils import timezone

from ess.demo_data import Moment, OneOf, demo_data_load, demo_moment
from events.models import ResidentSupervisor, SemesterSeason
from events.services import residents as services
from members.models import User

DATA_FILE = Path(__file__).with_name("residents.toml")


@dataclass(frozen=True)
class PlacementData:
    resident: str
    phase: str = ""


@dataclass(frozen=True)
class OfferData:
    season: Annotated[str, OneOf(SemesterSeason.values)]
    places: int
    placements: tuple[PlacementData, ...] = ()
    site: str = ""


@dataclass(frozen=True)
class SupervisorData:
    member: str
    registered_by: str
    approval_number: str
    offers: tuple[OfferData, ...]
    approved_until: Moment = ""
    university: str = ""


@dataclass(frozen=True)
class ResidentsData:
    supervisors: tuple[SupervisorData, ...]


def load(path: Path = DATA_FILE) -> ResidentsData:
    return demo_data_load(path, ResidentsData)


def _latest_year(season: str, today) -> int:
    """The year of the latest semester of `season` begun by `today`."""
    started = services.semester_start(today.year, season) <= today
    return today.year if started else today.year - 1


def seed_residents(users: dict[str, User]) -> list[ResidentSupervisor]:
    today = timezone.localdate()
    seeded = []
    for data in load().supervisors:
        member = users[data.member]
        if ResidentSupervisor.objects.filter(member=member).exists():
            continue
        by = users[data.registered_by]
        until = demo_moment(data.approved_until, today=today) if data.approved_until else None
        supervisor = services.supervisor_register(
            by=by,
            member=member,
            approval_number=data.approval_number,
            approved_until=timezone.localdate(until) if until else None,
            university=data.university,
        )
        for offer in data.offers:
            year = _latest_year(offer.season, today)
            place = services.training_place_offer(
                by=by,
                supervisor_id=supervisor.pk,
                year=year,
                season=offer.season,
                places=offer.places,
                site=offer.site,
            )
            starts_on = services.semester_start(year, offer.season)
            ends_on = services.semester_next_start(year, offer.season) - timedelta(days=1)
            for placement in offer.placements:
                services.placement_record(
                    by=by,
                    place_id=place.pk,
                    resident_name=placement.resident,
                    phase=placement.phase,
                    starts_on=starts_on,
                    ends_on=ends_on,
                )
        seeded.append(supervisor)
    return seeded
