"""Demo care pathways (data.toml), opened from referrals the cardiologists answered, under the
heart-failure cooperation protocol of the partners' demo, and followed by the IPA: the tasks due
before today are recorded at their due date, a result out of range alerts the cardiologist, who
answers. Played through the services at their moments. Idempotent: a pathway of the same title
opened by the same cardiologist is not opened twice."""

from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path

from django.utils import timezone

from ess.demo_data import Moment, demo_clock, demo_data_load, demo_moment
from members.models import User
from partners.models import Protocol
from pathways import services
from pathways.models import Pathway, PathwayTask, TaskStatus
from referrals.models import Referral, Status

DATA_FILE = Path(__file__).with_name("data.toml")


@dataclass(frozen=True)
class Result:
    result: str
    out_of_range: bool = False
    answer: str = ""


@dataclass(frozen=True)
class PathwayData:
    title: str
    protocol: str
    requester: str
    opened_by: str
    delegate: str
    opened: Moment
    results: tuple[Result, ...] = ()


@dataclass(frozen=True)
class PathwaysData:
    pathways: tuple[PathwayData, ...]


def load(path: Path = DATA_FILE) -> PathwaysData:
    return demo_data_load(path, PathwaysData)


def _origin(data: PathwayData, users: dict[str, User], before: datetime) -> Referral | None:
    """The GP's latest referral the cardiologist answered before the pathway opens."""
    return (
        Referral.objects.filter(
            requester=users[data.requester],
            specialist=users[data.opened_by],
            status=Status.COMPLETED,
            completed_at__lt=before,
            pathways=None,
        )
        .order_by("-completed_at")
        .first()
    )


def seed_pathways(users: dict[str, User]) -> list[Pathway]:
    today = timezone.localdate()
    opened = []
    for data in load().pathways:
        if Pathway.objects.filter(title=data.title, opened_by=users[data.opened_by]).exists():
            continue
        protocol = Protocol.objects.filter(convention__title=data.protocol).first()
        opened_at = demo_moment(data.opened, today=today)
        origin = _origin(data, users, opened_at)
        if protocol is None or origin is None:
            continue
        with demo_clock() as travel:
            travel(opened_at)
            pathway = services.pathway_open(
                by=users[data.opened_by],
                referral=origin,
                title=data.title,
                protocol=protocol,
                delegate=users[data.delegate],
            )
            due = PathwayTask.objects.filter(
                pathway=pathway, status=TaskStatus.TODO, due_on__lt=today
            ).order_by("due_on", "pk")
            for task, result in zip(due, data.results, strict=False):
                travel(timezone.make_aware(datetime.combine(task.due_on, time(10, 30))))
                task = services.task_record(
                    task_id=task.pk,
                    by=users[data.delegate],
                    result=result.result,
                    out_of_range=result.out_of_range,
                )
                if result.answer:
                    travel(timezone.make_aware(datetime.combine(task.due_on, time(18, 15))))
                    services.alert_answer(
                        alert_id=task.alert.pk, by=users[data.opened_by], answer=result.answer
                    )
        opened.append(pathway)
    return opened
