"""Demo public-health campaigns (campaigns.toml): a screening campaign under way with its
actions' counts, and a prevention campaign planned for the next quarter. Played through the
services, each action recorded at its moment. Idempotent: a campaign of the same title is not
created twice."""

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated

from django.utils import timezone

from ess.demo_data import Moment, OneOf, demo_clock, demo_data_load, demo_moment, exactly_one
from ess.models import Commune, Departement, Specialty
from events.models import Campaign, CampaignKind
from events.services import campaigns as services
from members.models import User
from partners.models import Partner

DATA_FILE = Path(__file__).with_name("campaigns.toml")


@dataclass(frozen=True)
class ActionData:
    title: str
    held: Moment
    place: str = ""
    people_reached: int = 0
    screenings_done: int = 0
    referrals_generated: int = 0
    notes: str = ""


@dataclass(frozen=True)
class CampaignData:
    title: str
    kind: Annotated[str, OneOf(CampaignKind.values)]
    theme: str
    target_population: str
    lead: str
    description: str = ""
    specialty: str = ""
    starts: Moment = ""
    ends: Moment = ""
    quarter: int | None = None
    departements: tuple[str, ...] = ()
    communes: tuple[str, ...] = ()
    partners: tuple[str, ...] = ()
    actions: tuple[ActionData, ...] = ()

    def check(self) -> list[str]:
        problem = "period: give `starts` and `ends`, or a `quarter` (one of them)"
        return exactly_one(problem, self.starts and self.ends, self.quarter is not None)


@dataclass(frozen=True)
class CampaignsData:
    recorder: str
    campaigns: tuple[CampaignData, ...]


def load(path: Path = DATA_FILE) -> CampaignsData:
    return demo_data_load(path, CampaignsData)


def _quarter(today: date, offset: int) -> tuple[date, date]:
    """The first and last day of the quarter `offset` quarters from today's."""
    index = (today.year * 4 + (today.month - 1) // 3) + offset
    year, first_month = divmod(index, 4)
    start = date(year, first_month * 3 + 1, 1)
    after_year, after_month = divmod(index + 1, 4)
    return start, date(after_year, after_month * 3 + 1, 1) - timedelta(days=1)


def _period(data: CampaignData, today: date) -> tuple[date, date]:
    if data.quarter is not None:
        return _quarter(today, data.quarter)
    return (
        timezone.localdate(demo_moment(data.starts, today=today)),
        timezone.localdate(demo_moment(data.ends, today=today)),
    )


def seed_campaigns(users: dict[str, User]) -> list[Campaign]:
    today = timezone.localdate()
    campaigns = []
    content = load()
    recorder = users[content.recorder]
    for data in content.campaigns:
        existing = Campaign.objects.filter(title=data.title).first()
        if existing is not None:
            campaigns.append(existing)
            continue
        lead = users[data.lead]
        starts_on, ends_on = _period(data, today)
        with demo_clock() as travel:
            # Planned three weeks before it starts (or now, for one to come sooner).
            travel(min(timezone.now(), demo_moment("-21d 10:00", today=starts_on)))
            campaign = services.campaign_create(
                by=recorder,
                title=data.title,
                kind=data.kind,
                theme=data.theme,
                specialty=Specialty.objects.filter(code=data.specialty).first(),
                description=data.description,
                target_population=data.target_population,
                starts_on=starts_on,
                ends_on=ends_on,
                communes=Commune.objects.filter(code__in=data.communes),
                departements=Departement.objects.filter(code__in=data.departements),
                partners=Partner.objects.filter(name__in=data.partners),
                lead=lead,
            )
            for action in data.actions:
                held = demo_moment(action.held, today=today)
                travel(held + timedelta(hours=3))
                services.campaign_action_record(
                    campaign_id=campaign.pk,
                    by=recorder,
                    title=action.title,
                    held_on=timezone.localdate(held),
                    place=action.place,
                    people_reached=action.people_reached,
                    screenings_done=action.screenings_done,
                    referrals_generated=action.referrals_generated,
                    notes=action.notes,
                )
        campaigns.append(campaign)
    return campaigns
