"""The demo's referral content, read from `data.toml` and checked before anything is written.

Every entry is converted to the dataclasses below, field by field: an unknown or missing key, a
value of the wrong type, an unknown priority, response mode, stage or placeholder stops the
loading with a `DemoDataError` that names the entry (`cases[3].modes[1]: …`).
"""

import string
import tomllib
import types
import typing
from dataclasses import MISSING, dataclass, fields, is_dataclass
from pathlib import Path

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


class DemoDataError(ValueError):
    """An entry of the demo data file the loader cannot use; the message says which and why."""


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
    submission_hours: tuple[int, ...]

    def check(self) -> list[str]:
        return _unknown("priority", self.priority, Priority.values) + (
            [] if len(self.submission_hours) == 14 else ["submission_hours: 14 weights (8 h–21 h)"]
        )


@dataclass(frozen=True)
class Desks:
    coordination: Desk
    urgent_coordination: Desk
    specialist: Desk
    practice: Desk
    consultations: Desk
    urgent_consultations: Desk


@dataclass(frozen=True)
class Delays:
    triage: dict[str, Range]
    accept: dict[str, Range]
    appointment_lead: dict[str, float]

    def check(self) -> list[str]:
        return [
            f"{name}: one entry per priority {Priority.values}"
            for name in ("triage", "accept", "appointment_lead")
            if set(getattr(self, name)) != set(Priority.values)
        ]


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
    sex: str
    born_before: int
    names: tuple[str, ...]

    def check(self) -> list[str]:
        return _unknown("sex", [self.sex], Sex.values)


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

    stage: str
    count: int
    age: Range
    per_delay: bool = False
    outcome: str = ANSWER
    info: bool = False
    declined: bool = False
    urgencies: tuple[str, ...] = ("P2", "P3", "P4")
    overdue: bool = False
    named: bool | None = None

    def check(self) -> list[str]:
        return (
            _unknown("stage", [self.stage], STAGES)
            + _unknown("outcome", [self.outcome], OUTCOMES)
            + _unknown("urgencies", self.urgencies, Priority.values)
        )


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
    preferred: str = PreferredResponse.OPINION
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
            _unknown("urgencies", self.urgencies, Priority.values)
            + _unknown("modes", self.modes, ResponseMode.values)
            + _unknown("preferred", [self.preferred], PreferredResponse.values)
            + _placeholders("texts", texts)
            + ([] if self.ages[0] <= self.ages[1] else ["ages: [youngest, oldest]"])
        )


@dataclass(frozen=True)
class DemoData:
    year: Year
    mix: Mix
    desks: Desks
    delays: Delays
    texts: Texts
    people: People
    pending: tuple[Pending, ...]
    cases: tuple[Case, ...]

    def check(self) -> list[str]:
        experts = {case.expert for case in self.cases if case.expert}
        return _unknown("cases[].expert", experts, self.mix.specialist) + _unknown(
            "people.homes", self.people.homes, self.mix.requester
        )


def load(path: Path = DATA_FILE) -> DemoData:
    """The demo data of `path`. Raises DemoDataError naming the first entry it cannot use."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise DemoDataError(f"{path.name}: not valid TOML ({exc})") from exc
    return _build(DemoData, raw, path.name)


def _build(cls, raw, where: str):
    if not isinstance(raw, dict):
        raise DemoDataError(f"{where}: expected a table, got {raw!r:.60}")
    known = {f.name: f for f in fields(cls)}
    unknown = sorted(set(raw) - set(known))
    if unknown:
        raise DemoDataError(f"{where}: unknown key {unknown[0]!r} (expected one of {list(known)})")
    hints = typing.get_type_hints(cls)
    values = {}
    for name, f in known.items():
        if name in raw:
            values[name] = _convert(raw[name], hints[name], f"{where}.{name}")
        elif f.default is MISSING:
            raise DemoDataError(f"{where}: missing key {name!r}")
    obj = cls(**values)
    problems = obj.check() if hasattr(obj, "check") else []
    if problems:
        raise DemoDataError(f"{where}.{problems[0]}")
    return obj


def _convert(value, hint, where: str):
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if is_dataclass(hint):
        return _build(hint, value, where)
    if origin in (typing.Union, types.UnionType):  # X | None: absent means None
        return _convert(value, next(a for a in args if a is not type(None)), where)
    if origin is tuple:
        if not isinstance(value, list):
            raise DemoDataError(f"{where}: expected a list, got {value!r:.60}")
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_convert(v, args[0], f"{where}[{i}]") for i, v in enumerate(value))
        if len(value) != len(args):
            raise DemoDataError(f"{where}: expected {len(args)} items, got {len(value)}")
        return tuple(
            _convert(v, a, f"{where}[{i}]")
            for i, (v, a) in enumerate(zip(value, args, strict=True))
        )
    if origin is dict:
        if not isinstance(value, dict):
            raise DemoDataError(f"{where}: expected a table, got {value!r:.60}")
        return {k: _convert(v, args[1], f"{where}.{k}") for k, v in value.items()}
    if hint is float and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if hint is int and isinstance(value, bool):
        raise DemoDataError(f"{where}: expected a whole number, got {value!r}")
    if isinstance(value, hint):
        return value
    raise DemoDataError(f"{where}: expected {hint.__name__}, got {value!r:.60}")


def _unknown(key: str, values, allowed) -> list[str]:
    return [
        f"{key}: unknown {value!r} (expected one of {list(allowed)})"
        for value in values
        if value not in allowed
    ]


def _placeholders(key: str, texts) -> list[str]:
    problems = []
    for text in texts:
        for _literal, name, _spec, _conv in string.Formatter().parse(text):
            if name is not None and name not in PLACEHOLDERS:
                problems.append(f"{key}: unknown placeholder {{{name}}} in {text[:50]!r}…")
    return problems
