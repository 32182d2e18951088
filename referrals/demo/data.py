"""The demo's referral content, read from `data.toml` into the dataclasses below and checked
before anything is written (ess/demo_data.py): besides keys and types, an unknown priority,
response mode, stage or placeholder stops the loading with a `DemoDataError` naming the entry.
"""

import string
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from ess.demo_data import OneOf, demo_data_load, unknown
from referrals.models import PreferredResponse, Priority, ResponseMode, Sex

DATA_FILE = Path(__file__).with_name("data.toml")

# How a case ends (before the present cuts the story short).
ANSWER = "answer"
OPINION = "opinion"  # télé-expertise answer saying a consultation is needed, then the consultation
CONSULTATION = "consultation"
REORIENT = "reorient"
CANCEL = "cancel"
OUTCOMES = (ANSWER, OPINION, CONSULTATION, REORIENT, CANCEL)

# Where a held referral stops, and the status it then has.
STAGES = (
    "submitted",
    "info_requested",
    "info_provided",
    "triaged",
    "declined",
    "accepted",
    "opinion",
    "scheduled",
)

# What the case texts may say about their patient (filled by people.clinical_values).
PLACEHOLDERS = frozenset(
    [
        "Patient",
        "patient",
        "au_patient",
        "e",
        "age",
        "poids",
        "creat",
        "clairance",
        "cha2ds2va",
        "fc",
        "fc_fa",
        "fc_rapide",
        "fc_basse",
        "ta",
        "ta_haute",
        "ta_auto",
        "bnp",
        "ldl",
        "ldl_haut",
        "k",
        "k_normal",
        "hb",
        "imc",
        "fevg",
        "fevg_basse",
        "prise_poids",
        "paquets",
        "chirurgie",
        "annee_stent",
        "date_bilan",
    ]
)

Desk = tuple[int, int, int]  # opening hour, closing hour, open days from Monday
Range = tuple[float, float]
Pair = tuple[str, str]


@dataclass(frozen=True)
class Year:
    seed: int
    days: int
    referrals: int
    ramp: float
    recent_days: int
    recent_share: float
    ins_share: float
    returning_share: float
    cabinet: str


@dataclass(frozen=True)
class Mix:
    priority: dict[str, int]
    requester: dict[str, int]
    specialist: dict[str, int]
    submission_hours: tuple[int, ...]  # weights of 8 h … 21 h


# Whose opening hours the stories follow.
DESKS = (
    "coordination",
    "urgent_coordination",
    "specialist",
    "practice",
    "consultations",
    "urgent_consultations",
)


@dataclass(frozen=True)
class Delays:
    triage: dict[str, Range]
    accept: dict[str, Range]
    appointment_lead: dict[str, float]


@dataclass(frozen=True)
class Texts:
    surgeries: tuple[str, ...]
    info_exchanges: tuple[Pair, ...]
    specialist_exchanges: tuple[Pair, ...]
    decline_reasons: tuple[str, ...]
    decline_to_reorient: str
    cancel_reasons: tuple[str, ...]
    priority_down: str
    priority_up: str
    callbacks: tuple[str, ...]

    def check(self) -> list[str]:
        texts = {
            "info_exchanges": [t for pair in self.info_exchanges for t in pair],
            "specialist_exchanges": [t for pair in self.specialist_exchanges for t in pair],
            "decline_reasons": self.decline_reasons,
            "cancel_reasons": self.cancel_reasons,
        }
        return [problem for key, values in texts.items() for problem in _placeholders(key, values)]


@dataclass(frozen=True)
class FirstNames:
    sex: Annotated[str, OneOf(Sex.values)]
    born_before: int
    names: tuple[str, ...]


@dataclass(frozen=True)
class People:
    surnames: tuple[str, ...]
    homes: dict[str, tuple[str, ...]]
    loiret_birthplaces: tuple[str, ...]
    other_birthplaces: tuple[str, ...]
    first_names: tuple[FirstNames, ...]


@dataclass(frozen=True)
class Pending:
    """Recent referrals held at a stage of their story, so that every queue has cases.

    `age` is how long ago they were submitted: hours, or multiples of the priority's delay.
    """

    stage: Annotated[str, OneOf(STAGES)]
    count: int
    age: Range
    per_delay: bool = False
    outcome: Annotated[str, OneOf(OUTCOMES)] = ANSWER
    info: bool = False
    declined: bool = False
    urgencies: tuple[str, ...] = ("P2", "P3", "P4")
    overdue: bool = False
    named: bool | None = None

    def check(self) -> list[str]:
        return unknown("urgencies", self.urgencies, Priority.values)


@dataclass(frozen=True)
class Case:
    """A kind of cardiology question a GP asks, with what the cardiologist answers. Texts are
    templates filled with the patient's values (people.clinical_values)."""

    question: str
    context: str
    answer: str
    actions: str
    urgencies: tuple[str, ...]
    ages: tuple[int, int]
    modes: tuple[str, ...]
    preferred: Annotated[str, OneOf(PreferredResponse.values)] = PreferredResponse.OPINION
    expert: str = ""
    consultation: Pair | None = None
    hospital: Pair | None = None
    reorient: Pair | None = None
    always_reoriented: bool = False

    def check(self) -> list[str]:
        texts = [self.question, self.context, self.answer, self.actions]
        for pair in (self.consultation, self.hospital, self.reorient):
            texts += pair or ()
        return (
            unknown("urgencies", self.urgencies, Priority.values)
            + unknown("modes", self.modes, ResponseMode.values)
            + _placeholders("texts", texts)
            + ([] if self.ages[0] <= self.ages[1] else ["ages: [youngest, oldest]"])
        )


@dataclass(frozen=True)
class DemoData:
    year: Year
    mix: Mix
    desks: dict[str, Desk]
    delays: Delays
    texts: Texts
    people: People
    pending: tuple[Pending, ...]
    cases: tuple[Case, ...]

    def check(self) -> list[str]:
        by_priority = {
            "mix.priority": self.mix.priority,
            "delays.triage": self.delays.triage,
            "delays.accept": self.delays.accept,
            "delays.appointment_lead": self.delays.appointment_lead,
        }
        problems = [
            f"{key}: one entry per priority {Priority.values}"
            for key, values in by_priority.items()
            if set(values) != set(Priority.values)
        ]
        if set(self.desks) != set(DESKS):
            problems.append(f"desks: one entry for each of {DESKS}")
        if len(self.mix.submission_hours) != 14:
            problems.append("mix.submission_hours: 14 weights, for 8 h to 21 h")
        experts = {case.expert for case in self.cases if case.expert}
        problems += unknown("cases[].expert", experts, self.mix.specialist)
        return problems + unknown("people.homes", self.people.homes, self.mix.requester)


def load(path: Path = DATA_FILE) -> DemoData:
    """The demo referrals' content. Raises DemoDataError naming the first entry it cannot use."""
    return demo_data_load(path, DemoData)


def _placeholders(key: str, texts) -> list[str]:
    problems = []
    for text in texts:
        for _literal, name, _spec, _conv in string.Formatter().parse(text):
            if name is not None and name not in PLACEHOLDERS:
                problems.append(f"{key}: unknown placeholder {{{name}}} in {text[:50]!r}…")
    return problems
