"""Data built once and shared by consecutive tests, rolled back afterwards (the pattern of Django's
`TestCase.setUpTestData`, across test modules).

Seeding the whole demo takes a quarter of a minute; the tests that only read what it leaves
behind share one seeding instead of each paying for its own. A test declares the layers of data
it reads with `@reads_shared("demo")`; a layer builds on the ones before it, e.g. `("demo",
"demo_again")` is the demo seeded twice. Each layer is built inside a transaction (the first) or a
savepoint (the next ones) that stays open while consecutive tests need it; each test runs in its
own savepoint inside, as usual, so what it changes is rolled back after it. When the next test
needs fewer layers, the extra ones are rolled back; when it needs none, everything is: a test
that does not declare the layers never sees their data, and nothing is ever committed.

The layers are built by the `shared_data` fixture of tests/conftest.py, inside the test that needs
them first: under that test's settings (fast hasher, in-memory email, strict templates, eager
Celery, French), as when each test seeded for itself. The tests sharing a layer run one after
the other (`reorder`) and, in a parallel run, on one worker (an xdist group per first layer).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone

MARKER = "shared_data"


def reads_shared(*layers: str):
    """Decorator: the test reads these layers of shared data (see LAYERS), built before it."""
    unknown = [layer for layer in layers if layer not in LAYERS]
    if unknown or not layers:
        raise ValueError(f"Unknown shared data layers {unknown}: known ones are {list(LAYERS)}")

    def decorate(test):
        test = pytest.mark.xdist_group(f"{MARKER}:{layers[0]}")(test)
        # Said to use the database, so that it is set up even when only such tests are run;
        # `shared_data`, autouse, still opens the test's transaction inside the layers.
        test = pytest.mark.usefixtures("db")(test)
        return getattr(pytest.mark, MARKER)(*layers)(test)

    return decorate


def layers_of(item: pytest.Item) -> tuple[str, ...]:
    marker = item.get_closest_marker(MARKER)
    return tuple(marker.args) if marker else ()


def reorder(items: list[pytest.Item]) -> None:
    """Tests that share data run one after the other, those needing fewer layers first, at the
    place of the first of them: each layer is then built once."""
    sharing = [item for item in items if layers_of(item)]
    if not sharing:
        return
    start = items.index(sharing[0])
    rest = [item for item in items if not layers_of(item)]
    items[:] = rest[:start] + sorted(sharing, key=layers_of) + rest[start:]


# ---------------------------------------------------------------------------------------------
# The layers
# ---------------------------------------------------------------------------------------------
# Measures taken between the demo's two seedings, by the tests of its idempotency.
BETWEEN_DEMO_SEEDS: list[Callable[[], Any]] = []


def between_demo_seeds(measure: Callable[[], Any]) -> Callable[[], Any]:
    """Decorator: `measure` is taken after the demo's first seeding, before the second; tests on
    the layer "demo_again" find its result in `shared_data["demo_again"][measure]`."""
    BETWEEN_DEMO_SEEDS.append(measure)
    return measure


def _seed_demo() -> SimpleNamespace:
    from django.core.management import call_command

    started = timezone.now()
    with override_settings(ESS_DEMO=True):
        call_command("seed_demo")
    return SimpleNamespace(started=started)


def _seed_demo_again() -> dict:
    from django.core.management import call_command

    first = {measure: measure() for measure in BETWEEN_DEMO_SEEDS}
    with override_settings(ESS_DEMO=True):
        call_command("seed_demo")
    return first


def _seed_demo_referrals() -> SimpleNamespace:
    """The demo's team, accounts and year of referrals (referrals.demo) without the rest."""
    from ess.demo import seed_accounts, seed_team
    from referrals.demo import seed_referrals

    with override_settings(ESS_DEMO=True):
        seed_team()
        users = seed_accounts()
        before = timezone.now()
        seed_referrals(users)
    return SimpleNamespace(users=users, before=before)


# name → builder; a layer's builder runs on the layers named before it in the test's marker.
LAYERS: dict[str, Callable[[], Any]] = {
    # `manage.py seed_demo` once; `.started`: the time just before.
    "demo": _seed_demo,
    # …and a second time; the value maps each `between_demo_seeds` measure to its result.
    "demo_again": _seed_demo_again,
    # seed_team, seed_accounts, then seed_referrals; `.users`, and `.before` the referrals.
    "demo_referrals": _seed_demo_referrals,
}


# ---------------------------------------------------------------------------------------------
# The stack of layers currently built
# ---------------------------------------------------------------------------------------------
@dataclass
class _Layer:
    name: str
    atomic: Any
    value: Any


@dataclass
class SharedState:
    stack: list[_Layer] = field(default_factory=list)

    def names(self) -> tuple[str, ...]:
        return tuple(layer.name for layer in self.stack)

    def check_no_test_transaction(self) -> None:
        # The test's own transaction (`db`) must open inside the layers, never under them.
        if len(connection.atomic_blocks) != len(self.stack):
            raise pytest.UsageError(
                "Shared data must be built before the test's database transaction: a test marked "
                "@reads_shared must not use the django_db marker, nor an autouse fixture needing "
                "`db` set up before tests/conftest.py's `shared_data`."
            )

    def build(self, layers: tuple[str, ...], *, first: Callable[[], None]) -> dict[str, Any]:
        """Make the stack exactly `layers`, keeping the common prefix already built; `first` runs
        at the start of the first layer's transaction."""
        self.check_no_test_transaction()
        keep = 0
        while keep < min(len(layers), len(self.stack)) and self.stack[keep].name == layers[keep]:
            keep += 1
        self.rollback(to=keep)
        for name in layers[keep:]:
            atomic = transaction.atomic()
            # Like TestCase's own blocks: a durable block in the code under test may open inside.
            atomic._from_testcase = True
            atomic.__enter__()
            try:
                if not self.stack:
                    first()
                value = LAYERS[name]()
            except BaseException:
                transaction.set_rollback(True)
                atomic.__exit__(None, None, None)
                raise
            self.stack.append(_Layer(name, atomic, value))
        return {layer.name: layer.value for layer in self.stack}

    def rollback(self, *, to: int = 0) -> None:
        while len(self.stack) > to:
            layer = self.stack.pop()
            transaction.set_rollback(True)
            layer.atomic.__exit__(None, None, None)


STATE = SharedState()
