"""One demo referral's story, planned as the steps a real user would take (submit, triage,
accept, answer…), each at a moment when whoever acts is at their desk, up to the present or up
to the stage it is held at. Nothing is written here: replay.py plays the steps through the
services, at their moments."""

import contextlib
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.utils import timezone

from ess.models import Specialty
from members.models import User
from referrals.deadlines import due_times
from referrals.demo.data import CANCEL, CONSULTATION, OPINION, REORIENT, DemoData, Desk
from referrals.models import PreferredResponse, Status, priority_delay
from referrals.services import PatientInput

STAGE_STATUS = {
    "submitted": Status.SUBMITTED,
    "info_requested": Status.INFO_REQUESTED,
    "info_provided": Status.SUBMITTED,
    "triaged": Status.TRIAGED,
    "declined": Status.TRIAGED,
    "accepted": Status.ACCEPTED,
    "opinion": Status.ACCEPTED,
    "scheduled": Status.SCHEDULED,
}


def moment(day: date, hour: int, minute: int = 0) -> datetime:
    """That local time, in UTC: durations are then added in absolute time, as the services do
    (a wall-clock addition would be an hour off across a daylight-saving change)."""
    return timezone.make_aware(datetime.combine(day, time(hour, minute))).astimezone(UTC)


def at_desk(rng: random.Random, at: datetime, desk: Desk) -> datetime:
    """`at` if that desk is open then, otherwise a little after it next opens."""
    start, end, days = desk
    local = timezone.localtime(at)
    if local.weekday() < days and start <= local.hour < end:
        return at
    day = local.date()
    if local.weekday() >= days or local.hour >= end:
        day += timedelta(days=1)
    while day.weekday() >= days:
        day += timedelta(days=1)
    return moment(day, start) + timedelta(minutes=rng.randint(5, 80))


def after(rng: random.Random, at: datetime, hours: tuple[float, float], desk: Desk) -> datetime:
    return at_desk(rng, at + timedelta(hours=rng.uniform(*hours)), desk)


def consultation_slot(rng: random.Random, at: datetime, desk: Desk) -> datetime:
    """The first consultation slot, on the quarter hour, from `at`."""
    at = at_desk(rng, at, desk).replace(second=0, microsecond=0)
    return at + timedelta(minutes=-at.minute % 15)


@dataclass
class Scenario:
    """Everything decided up front about one referral; `plan` then tells its story."""

    requester: User
    coordinator: User
    specialty: Specialty
    patient: PatientInput
    submitted_at: datetime
    question: str
    context: str
    urgency: str
    priority: str
    mode: str
    outcome: str
    taker: User
    coordination: Desk
    consultations: Desk
    offer: User | None = None
    decliner: User | None = None
    preferred_response: str = PreferredResponse.NO_PREFERENCE
    callback_availability: str = ""
    triage_note: str = ""
    priority_note: str = ""
    decline_reason: str = ""
    reorientation: tuple[str, str] = ("", "")
    reorient_at_intake: bool = False
    cancel_from: str = ""
    cancel_reason: str = ""
    info_exchange: tuple[str, str] | None = None
    specialist_exchange: tuple[str, str] | None = None
    answer: tuple[str, str] = ("", "")
    report: tuple[str, str] = ("", "")
    location: str = ""
    due_fraction: float = 0.5
    feedback: tuple[bool, bool] | None = None


@dataclass(frozen=True)
class Step:
    """One action: the service `action` (replay.SERVICES), by whom, when, with what."""

    at: datetime
    action: str
    by: User
    args: dict = field(default_factory=dict)


class _Stop(Exception):
    """The story goes no further: its next step is in the future, or it is held here."""


class Story:
    """The steps of one referral, with just enough of its state (status, due time, appointment)
    to know where it stands."""

    def __init__(self, scenario: Scenario, data: DemoData, *, now: datetime, hold: str = ""):
        self.scenario = scenario
        self.data = data
        self.now = now
        self.hold = hold
        self.held = False
        self.steps: list[Step] = []
        self.status = ""
        self.due_at: datetime | None = None
        self.appointment_at: datetime | None = None
        self.last = scenario.submitted_at - timedelta(minutes=1)
        self.referral_id: int | None = None  # set by the replay

    def plan(self, rng: random.Random) -> "Story":
        with contextlib.suppress(_Stop):
            for chapter in (_intake, _regulation, _response, _feedback):
                chapter(self, self.scenario, rng)
                if self.status in (Status.REORIENTED, Status.CANCELLED):
                    break
        return self

    def act(self, at: datetime, action: str, by: User, *, to: str = "", stage: str = "", **args):
        at = max(at, self.last + timedelta(minutes=1))
        if at > self.now:
            raise _Stop
        self.last = at
        self.steps.append(Step(at, action, by, args))
        self.status = to or self.status
        if stage and stage == self.hold:
            self.held = True
            raise _Stop


def _intake(story: Story, s: Scenario, rng: random.Random) -> None:
    desks = story.data.desks
    story.act(s.submitted_at, "submit", s.requester, to=Status.SUBMITTED, stage="submitted")
    if s.outcome == REORIENT and s.reorient_at_intake:
        _reorient(story, s, after(rng, story.last, (0.1, 1), s.coordination))
    elif s.outcome == CANCEL and s.cancel_from == Status.SUBMITTED:
        _cancel(story, s, after(rng, story.last, (1, 8), desks["practice"]))
    elif s.info_exchange:
        question, answer = s.info_exchange
        at = after(rng, story.last, (0.3, 3), s.coordination)
        story.act(
            at,
            "request_info",
            s.coordinator,
            question=question,
            to=Status.INFO_REQUESTED,
            stage="info_requested",
        )
        if s.outcome == CANCEL and s.cancel_from == Status.INFO_REQUESTED:
            _cancel(story, s, after(rng, story.last, (24, 120), desks["practice"]))
        else:
            at = after(rng, story.last, (2, 60), desks["practice"])
            story.act(
                at,
                "provide_info",
                s.requester,
                answer=answer,
                to=Status.SUBMITTED,
                stage="info_provided",
            )


def _regulation(story: Story, s: Scenario, rng: random.Random) -> None:
    data = story.data
    at = after(rng, story.last, data.delays.triage[s.urgency], s.coordination)
    if s.priority_note:
        story.act(at, "note", s.coordinator, note=s.priority_note)
    _triage(story, s, at, s.offer, s.triage_note)
    if s.decliner:
        at = after(rng, story.last, (1, 18), data.desks["specialist"])
        story.act(
            at, "decline", s.decliner, reason=s.decline_reason, to=Status.TRIAGED, stage="declined"
        )
        if s.outcome == REORIENT:
            _reorient(story, s, after(rng, story.last, (0.5, 4), s.coordination))
            return
        note = f"Reproposée au {s.taker.display_name} après refus."
        _triage(story, s, after(rng, story.last, (0.5, 3), s.coordination), s.taker, note)
    if s.outcome == CANCEL:
        _cancel(story, s, after(rng, story.last, (4, 72), data.desks["practice"]))
        return
    at = after(rng, story.last, data.delays.accept[s.priority], data.desks["specialist"])
    story.act(at, "accept", s.taker, to=Status.ACCEPTED, stage="accepted")


def _triage(story: Story, s: Scenario, at: datetime, offer: User | None, note: str) -> None:
    story.due_at = due_times(s.submitted_at, s.priority)[0]
    story.act(
        at,
        "triage",
        s.coordinator,
        priority=s.priority,
        response_mode=s.mode,
        specialist=offer,
        note=note,
        to=Status.TRIAGED,
        stage="triaged",
    )


def _response(story: Story, s: Scenario, rng: random.Random) -> None:
    desks = story.data.desks
    if s.specialist_exchange:
        question, answer = s.specialist_exchange
        story.act(
            after(rng, story.last, (0.5, 6), desks["specialist"]), "message", s.taker, body=question
        )
        story.act(
            after(rng, story.last, (1, 30), desks["practice"]), "message", s.requester, body=answer
        )
    target = s.submitted_at + priority_delay(s.priority) * s.due_fraction
    if s.outcome == CONSULTATION:
        _consultation(story, s, rng, target)
        return
    answered_at = at_desk(rng, max(target, story.last + timedelta(minutes=20)), desks["specialist"])
    if s.outcome == OPINION:
        story.act(
            answered_at,
            "complete",
            s.taker,
            answer=s.answer[0],
            recommended_actions=s.answer[1],
            consultation_needed=True,
            stage="opinion",
        )
        _consultation(story, s, rng, story.last + timedelta(days=rng.uniform(5, 30)))
    else:
        _complete(story, s, answered_at, s.answer)


def _consultation(story: Story, s: Scenario, rng: random.Random, target: datetime) -> None:
    scheduled_at = after(rng, story.last, (0.3, 20), story.data.desks["specialist"])
    lead = timedelta(hours=story.data.delays.appointment_lead[s.priority])
    appointment = consultation_slot(rng, max(target, scheduled_at + lead), s.consultations)
    story.appointment_at = appointment
    story.act(
        scheduled_at,
        "schedule",
        s.taker,
        starts_at=appointment,
        location=s.location,
        to=Status.SCHEDULED,
        stage="scheduled",
    )
    _complete(story, s, appointment + timedelta(hours=rng.uniform(0.5, 3)), s.report)


def _complete(story: Story, s: Scenario, at: datetime, text: tuple[str, str]) -> None:
    answer, actions = text
    story.act(
        at, "complete", s.taker, answer=answer, recommended_actions=actions, to=Status.COMPLETED
    )


def _feedback(story: Story, s: Scenario, rng: random.Random) -> None:
    if story.status != Status.COMPLETED or not s.feedback:
        return
    useful, avoided = s.feedback
    at = after(rng, story.last, (1, 48), story.data.desks["practice"])
    story.act(at, "feedback", s.requester, useful=useful, avoided_visit=avoided)


def _reorient(story: Story, s: Scenario, at: datetime) -> None:
    target, reason = s.reorientation
    story.act(at, "reorient", s.coordinator, target=target, reason=reason, to=Status.REORIENTED)


def _cancel(story: Story, s: Scenario, at: datetime) -> None:
    story.act(at, "cancel", s.requester, reason=s.cancel_reason, to=Status.CANCELLED)
