"""Demo content read from TOML data files into frozen dataclasses, checked entry by entry
before anything is written: an unknown or missing key, a value of the wrong type, or what a
field's rule (`Moment`, `OneOf`) or a dataclass's own `check()` refuses stops the loading with
a `DemoDataError` that names the entry (`cases[3].modes[1]: …`). Steps are dated with moments
relative to the seeding day, and played with the clock moved there (`demo_clock`). The demo
orchestration and each app's demo use it; it imports no app.
"""

import re
import tomllib
import types
import typing
from contextlib import contextmanager
from dataclasses import MISSING, fields, is_dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Annotated

import time_machine
from django.db.models import F
from django.utils import timezone

from ess.models import Notification
from ess.outbox import emails_of_the_past, tasks_run_inline


class DemoDataError(ValueError):
    """An entry of a demo data file the loader cannot use; the message says which and why."""


def demo_data_load(path: Path, cls):
    """The content of `path` as a `cls` (a dataclass). Raises DemoDataError naming the first
    entry it cannot use."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise DemoDataError(f"{path.name}: not valid TOML ({exc})") from exc
    return _build(cls, raw, path.name)


def _build(cls, raw, where: str):
    if not isinstance(raw, dict):
        raise DemoDataError(f"{where}: expected a table, got {raw!r:.60}")
    known = {f.name: f for f in fields(cls)}
    extra = sorted(set(raw) - set(known))
    if extra:
        raise DemoDataError(f"{where}: unknown key {extra[0]!r} (expected one of {list(known)})")
    hints = typing.get_type_hints(cls, include_extras=True)
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
    if origin is Annotated:  # a value with its rules: Moment, OneOf
        value = _convert(value, args[0], where)
        for rule in hint.__metadata__:
            if problem := rule.problem(value):
                raise DemoDataError(f"{where}: {problem}")
        return value
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


class OneOf:
    """A field's rule, `kind: Annotated[str, OneOf(Kind.values)]`: a value among `allowed`."""

    def __init__(self, allowed):
        self.allowed = allowed

    def problem(self, value) -> str | None:
        if value in self.allowed:
            return None
        return f"unknown {value!r} (expected one of {list(self.allowed)})"


def unknown(key: str, values, allowed) -> list[str]:
    """For a dataclass's `check()`: the values that are not among `allowed`."""
    rule = OneOf(allowed)
    return [f"{key}: {problem}" for value in values if (problem := rule.problem(value))]


def exactly_one(problem: str, *given) -> list[str]:
    """For a dataclass's `check()`: `[problem]` unless exactly one of `given` is set."""
    return [] if sum(map(bool, given)) == 1 else [problem]


# A moment relative to the day the demo is seeded: "-420d 10:00" is 10:00 (Paris time), 420
# days before today; "+20d" is 09:00, 20 days after.
MOMENT = re.compile(r"^(?P<days>[+-]\d+)d(?: (?P<hour>\d{2}):(?P<minute>\d{2}))?$")


class _IsMoment:
    """A field's rule: a moment, or "" where the field is optional."""

    def problem(self, value: str) -> str | None:
        if value and not MOMENT.match(value):
            return f"{value!r} is not a moment like '-420d 10:00'"
        return None


# The type of a field holding a moment, checked by the loader.
Moment = Annotated[str, _IsMoment()]


def moment_problems(key: str, values) -> list[str]:
    """For a dataclass's `check()`: the values that are not moments."""
    rule = _IsMoment()
    return [f"{key}: {problem}" for value in values if (problem := rule.problem(value))]


def demo_moment(value: str, *, today: date) -> datetime:
    match = MOMENT.match(value)
    day = today + timedelta(days=int(match["days"]))
    at = time(int(match["hour"] or 9), int(match["minute"] or 0))
    return timezone.make_aware(datetime.combine(day, at))


@contextmanager
def demo_clock():
    """Yields `travel(at)`: from then on, until the block ends, the clock reads `at` (time
    stands still between two moves), so the services date their rows at that moment; the tasks
    they record for a worker (ess.outbox.task_queue) run at once, at that moment too. The
    emails of the past are not sent: they count as delivered when they were written."""
    started = timezone.now()
    with (
        time_machine.travel(started, tick=False) as traveller,
        tasks_run_inline(),
        emails_of_the_past(started),
    ):
        yield traveller.move_to


def demo_past_settled(*, before: datetime) -> None:
    """What people were told more than a week before `before` counts as read. (The emails of
    the demo's past are settled by demo_clock: delivered when they were written.)"""
    Notification.objects.filter(read_at=None, created_at__lt=before - timedelta(days=7)).update(
        read_at=F("created_at")
    )
