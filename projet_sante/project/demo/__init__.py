"""Demo health project: v1 signed by the ARS and the CPAM (validated), v2 being drafted from
it. The content is in `data.toml`, played through the project's services at its moments."""

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Annotated

from django.utils import timezone

from ess.demo_data import OneOf, demo_clock, demo_data_load, demo_moment, moment_problems, unknown
from events.models import Campaign
from projet_sante.project import services as ps
from projet_sante.project.models import ActionStatus, MissionKind, ProjectVersion, SectionKey

DATA_FILE = Path(__file__).with_name("data.toml")


# The steps of the project's story, each at its moment.
STEPS = (
    "v1_drafted",
    "v1_submitted",
    "v1_commented",
    "v1_signed_by_ars",
    "v1_validated",
    "v2_drafted",
)


@dataclass(frozen=True)
class Review:
    comment_section: str
    comment: str  # the ARS's, on a section
    cpam_comment: str  # the CPAM's, on the whole version
    ars_note: str  # with the ARS's signature
    validation_note: str  # with the CPAM's, which validates


@dataclass(frozen=True)
class ActionData:
    title: str
    progress: int
    status: Annotated[str, OneOf(ActionStatus.values)]
    owner: str = ""
    owner_name: str = ""
    indicators: tuple[str, ...] = ()
    # Titles of the demo's public-health campaigns (events/demo/campaigns.toml) that carry it
    # out: seeded before the health project by seed_demo.
    campaigns: tuple[str, ...] = ()


@dataclass(frozen=True)
class MissionData:
    kind: Annotated[str, OneOf(MissionKind.values)]
    title: str
    description: str
    actions: tuple[ActionData, ...]


@dataclass(frozen=True)
class Change:
    """v2's change to one of v1's sections: `replace` [old, new], then `append`."""

    section: str
    replace: tuple[str, str] | None = None
    append: str = ""

    def apply(self, body: str) -> str:
        return (body.replace(*self.replace) if self.replace else body) + self.append


@dataclass(frozen=True)
class ProjectData:
    moments: dict[str, str]
    review: Review
    v1: dict[str, str]
    missions: tuple[MissionData, ...]
    v2: tuple[Change, ...]

    def check(self) -> list[str]:
        sections = [*self.v1, *(c.section for c in self.v2), self.review.comment_section]
        missing = [
            c.replace[0]
            for c in self.v2
            if c.replace and c.replace[0] not in self.v1.get(c.section, "")
        ]
        problems = moment_problems("moments", self.moments.values())
        if set(self.moments) != set(STEPS):
            problems.append(f"moments: one for each of {STEPS}")
        return (
            problems
            + unknown("sections", sections, SectionKey.values)
            + [f"v2[].replace: {old!r} is not in v1" for old in missing]
        )


def load(path: Path = DATA_FILE) -> ProjectData:
    return demo_data_load(path, ProjectData)


def seed_health_project(users: dict) -> int:
    """v1 drafted, submitted, commented by the demo ARS and CPAM accounts, signed by the ARS
    then by the CPAM (which validates it); v2 opened from it with changes (so that the diff
    shows something). Idempotent: nothing if a version exists."""
    if ProjectVersion.objects.exists():
        return ProjectVersion.objects.count()
    data = load()
    manager, ars, cpam = users["direction"], users["ars"], users["cpam"]
    today = timezone.localdate()
    with demo_clock() as move_to:

        def travel(moment: str) -> None:
            move_to(demo_moment(moment, today=today))

        travel(data.moments["v1_drafted"])
        v1 = ps.version_start(by=manager)
        for key, body in data.v1.items():
            ps.section_update(version_id=v1.pk, key=key, by=manager, body=body)
        for mission in data.missions:
            _mission(v1.pk, mission, manager, users, today)
        travel(data.moments["v1_submitted"])
        ps.version_submit(version_id=v1.pk, by=manager)
        travel(data.moments["v1_commented"])
        review = data.review
        ps.comment_add(
            version_id=v1.pk, by=ars, section=review.comment_section, body=review.comment
        )
        ps.comment_add(version_id=v1.pk, by=cpam, body=review.cpam_comment)
        travel(data.moments["v1_signed_by_ars"])
        ps.version_validate(version_id=v1.pk, by=ars, note=review.ars_note)
        travel(data.moments["v1_validated"])
        ps.version_validate(version_id=v1.pk, by=cpam, note=review.validation_note)
        travel(data.moments["v2_drafted"])
        v2 = ps.version_start(by=manager)
        for change in data.v2:
            body = change.apply(data.v1[change.section])
            ps.section_update(version_id=v2.pk, key=change.section, by=manager, body=body)
    return 2


def _mission(version_id: int, mission: MissionData, manager, users: dict, today) -> None:
    saved = ps.mission_save(
        version_id=version_id,
        by=manager,
        kind=mission.kind,
        title=mission.title,
        description=mission.description,
    )
    for position, action in enumerate(mission.actions):
        ps.action_save(
            version_id=version_id,
            mission_id=saved.pk,
            by=manager,
            title=action.title,
            owner=users.get(action.owner) if action.owner else None,
            owner_name=action.owner_name,
            target_date=today + timedelta(days=60 * (position + 1)),
            status=action.status,
            progress=action.progress,
            indicator_codes=list(action.indicators),
            campaigns=list(Campaign.objects.filter(title__in=action.campaigns)),
        )
