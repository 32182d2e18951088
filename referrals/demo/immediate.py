"""Demo immediate opinions: a year of requests to the cardiologist on call (immediate.toml),
played through the services at their moments, with the afternoon on-call shifts they fell in,
so that the immediate-opinion indicators show figures. Idempotent: nothing is added when the
demo GPs already asked for one."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Annotated

from django.db.models import F
from django.utils import timezone

from ess.demo_data import OneOf, demo_clock, demo_data_load
from ess.models import Commune, OutboundSms, Specialty
from members.models import User
from referrals import services
from referrals.models import Referral, Sex
from referrals.services import PatientInput, ReferralInput
from scheduling.models import OnCallDuty, OnCallShift
from scheduling.selectors import on_call_at

DATA_FILE = Path(__file__).with_name("immediate.toml")
# The shifts this demo adds before the demo roster began (scheduling/demo.py) carry this note.
HISTORY_SHIFT_NOTE = "Garde de l'après-midi (avant le tableau de garde)"


@dataclass(frozen=True)
class Timing:
    count: int
    every_days: int
    hour: int
    first_on_call: str
    backup: str
    callback_minutes: tuple[int, ...]
    answer_after_minutes: tuple[int, ...]
    escalated_every: int
    coordination_every: int


@dataclass(frozen=True)
class Patient:
    birth_name: str
    first_names: str
    sex: Annotated[str, OneOf(Sex.values)]
    birth_date: date
    birth_place_code: str
    commune: str


@dataclass(frozen=True)
class Case:
    requester: str
    question: str
    answer: str
    patient: Patient


@dataclass(frozen=True)
class ImmediateData:
    timing: Timing
    cases: tuple[Case, ...]


def load(path: Path = DATA_FILE) -> ImmediateData:
    return demo_data_load(path, ImmediateData)


def _on_call_shift(specialty, at: datetime, first: User, backup: User) -> None:
    """Someone on call at `at`: the demo roster's shift, or before the roster began, the
    afternoon shift (14 h – 18 h) with the two cardiologists."""
    if on_call_at(specialty.pk, at):
        return
    day = timezone.localtime(at).date()
    starts = timezone.make_aware(datetime.combine(day, time(14)))
    shift, created = OnCallShift.objects.get_or_create(
        specialty=specialty,
        starts_at=starts,
        defaults={"ends_at": starts + timedelta(hours=4), "note": HISTORY_SHIFT_NOTE},
    )
    if created:
        OnCallDuty.objects.create(shift=shift, specialist=first, rank=1)
        OnCallDuty.objects.create(shift=shift, specialist=backup, rank=2)


def _input(case: Case, specialty) -> ReferralInput:
    p = case.patient
    return ReferralInput(
        patient=PatientInput(
            birth_name=p.birth_name,
            first_names=p.first_names,
            sex=p.sex,
            birth_date=p.birth_date,
            birth_place_code=p.birth_place_code,
            commune=Commune.objects.filter(code=p.commune).first(),
        ),
        specialty=specialty,
        question=case.question,
        urgency="P1",
        consent=True,
    )


def seed_immediate_opinions(users: dict[str, User]) -> int:
    """The year's immediate opinions, oldest first. Adds nothing if the demo GPs have some."""
    data = load()
    t = data.timing
    specialty = Specialty.objects.filter(code="cardiologie").first()
    requesters = [users[c.requester] for c in data.cases]
    if (
        specialty is None
        or Referral.objects.filter(immediate=True, requester__in=requesters).exists()
    ):
        return 0
    first, backup = users[t.first_on_call], users[t.backup]
    now = timezone.now()
    today = timezone.localdate(now)
    with demo_clock() as travel:
        for n in range(t.count, 0, -1):
            case = data.cases[n % len(data.cases)]
            day = today - timedelta(days=n * t.every_days)
            asked = timezone.make_aware(datetime.combine(day, time(t.hour, 7 * (n % 7))))
            _on_call_shift(specialty, asked, first, backup)
            travel(asked)
            referral, _ = services.immediate_submit(
                by=users[case.requester],
                data=_input(case, specialty),
                callback_phone="02 38 11 22 33",
            )
            on_call = on_call_at(specialty.pk, asked)
            by, called = on_call[0], t.callback_minutes[n % len(t.callback_minutes)]
            if n % t.coordination_every == 0:
                for level_at in (10, 20):
                    step = asked + timedelta(minutes=level_at)
                    services.immediate_escalate(referral_id=referral.pk, now=step)
                called = 24
            elif n % t.escalated_every == 0 and len(on_call) > 1:
                services.immediate_escalate(
                    referral_id=referral.pk, now=asked + timedelta(minutes=10)
                )
                by, called = on_call[1], 13
            travel(asked + timedelta(minutes=called))
            services.immediate_acknowledge(referral_id=referral.pk, by=by)
            answered = called + t.answer_after_minutes[n % len(t.answer_after_minutes)]
            travel(asked + timedelta(minutes=answered))
            services.referral_complete(referral_id=referral.pk, by=by, answer=case.answer)
    # The text messages of that past count as sent then.
    OutboundSms.objects.filter(sent_at=None, created_at__lt=now).update(sent_at=F("created_at"))
    return t.count
