"""Timing requests in-process, counting their queries, and explaining the queue's SQL.

Imported by `bench/run.py` once Django is set up. "Server time" is the time Django's test client
takes to handle a request: middleware, view, SQL round trips and template rendering, without any
network or HTTP server in front. "SQL time" is the part of it spent inside `cursor.execute`
(PostgreSQL planning and running the query, plus the round trip), measured on every request.
"""

import gc
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ess.mfa import second_factor_mark
from referrals.dashboard import queue_counts

TRANSACTION_STATEMENTS = frozenset({"BEGIN", "COMMIT", "ROLLBACK"})


@dataclass(frozen=True)
class Scenario:
    key: str
    label: str
    path: str


def _median(values: list[float]) -> float:
    return statistics.median(values)


def _p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


@dataclass
class Result:
    key: str
    label: str
    target: str
    samples_ms: list[float]  # whole request, one per timed request
    sql_samples_ms: list[float]  # time inside cursor.execute, same requests
    captured: list[dict] = field(repr=False)  # the queries of one extra request
    size_kb: float = 0.0

    @property
    def median_ms(self) -> float:
        return _median(self.samples_ms)

    @property
    def p95_ms(self) -> float:
        return _p95(self.samples_ms)

    @property
    def sql_median_ms(self) -> float:
        return _median(self.sql_samples_ms)

    @property
    def queries(self) -> int:
        return len(self.captured)

    def summary(self) -> dict:
        return {
            "key": self.key,
            "label": self.label,
            "target": self.target,
            "median_ms": round(self.median_ms, 2),
            "p95_ms": round(self.p95_ms, 2),
            "min_ms": round(min(self.samples_ms), 2),
            "max_ms": round(max(self.samples_ms), 2),
            "sql_median_ms": round(self.sql_median_ms, 2),
            "sql_p95_ms": round(_p95(self.sql_samples_ms), 2),
            "queries": self.queries,
            "size_kb": self.size_kb,
            "samples_ms": [round(v, 3) for v in self.samples_ms],
            "sql_samples_ms": [round(v, 3) for v in self.sql_samples_ms],
            "queries_of_one_request": self.captured,
        }


def scenarios() -> list[Scenario]:
    dashboard = reverse("referrals:dashboard")
    return [
        Scenario("healthz", "Trivial view (/healthz, reference)", reverse("healthz")),
        Scenario("default", "Dashboard, default view (à traiter)", dashboard),
        Scenario("deep_page", "Dashboard, all, page 200", f"{dashboard}?vue=toutes&page=200"),
        Scenario("search", "Dashboard, all, search DUPONT", f"{dashboard}?vue=toutes&q=DUPONT"),
        Scenario(
            "filter",
            "Dashboard, all, P2 + cardiologie",
            f"{dashboard}?vue=toutes&priorite=P2&specialite=cardiologie",
        ),
    ]


class SqlTimer:
    """An execute wrapper recording how long each database call takes."""

    def __init__(self):
        self.durations_ms: list[float] = []

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.durations_ms.append((time.perf_counter() - start) * 1000)


def _capture(fn: Callable[[], object]) -> tuple[object, list[dict]]:
    """Run `fn` once, returning its value and the queries it ran.

    Each query's SQL (parameters inlined) comes from Django's debug cursor, its duration from
    `SqlTimer`, finer than the debug cursor's milliseconds. BEGIN/COMMIT are listed (Django logs
    them) without a duration.
    """
    timer = SqlTimer()
    with CaptureQueriesContext(connection) as ctx, connection.execute_wrapper(timer):
        value = fn()
    captured = [{"ms": None, "sql": q["sql"]} for q in ctx.captured_queries]
    executed = [q for q in captured if q["sql"] not in TRANSACTION_STATEMENTS]
    if len(executed) == len(timer.durations_ms):
        for query, ms in zip(executed, timer.durations_ms, strict=True):
            query["ms"] = round(ms, 3)
    else:  # not expected; fall back on the debug cursor's millisecond timings
        for query, raw in zip(captured, ctx.captured_queries, strict=True):
            query["ms"] = round(float(raw["time"]) * 1000, 3)
    return value, captured


def _time(
    fn: Callable[[], object], repeat: int, *, collect_first: bool = False
) -> tuple[list[float], list[float]]:
    """Call `fn` `repeat` times: total and SQL milliseconds of each call. With `collect_first`,
    each call starts on a collected heap (`gc.collect()`, untimed): for a few runs of a heavy
    call, which would otherwise pay at random for the garbage the previous ones left (a full
    collection after a PDF costs ~100 ms)."""
    totals, sql = [], []
    timer = SqlTimer()
    with connection.execute_wrapper(timer):
        for _ in range(repeat):
            timer.durations_ms.clear()
            if collect_first:
                gc.collect()
            start = time.perf_counter()
            fn()
            totals.append((time.perf_counter() - start) * 1000)
            sql.append(sum(timer.durations_ms))
    return totals, sql


def logged_in_client(user) -> Client:
    """Signed in as after allauth's sign-in with password and TOTP code."""
    client = Client()
    client.force_login(user, backend="ess.auth.EssAuthenticationBackend")
    session = client.session
    second_factor_mark(session, user, method="mfa")
    session.save()
    return client


def measure_request(client: Client, scenario: Scenario, *, warmup: int, repeat: int) -> Result:
    """Warm up, capture the queries of one request, then time `repeat` requests."""
    path = scenario.path
    response = client.get(path)
    if response.status_code == 303:
        # A search: the term is kept in the session and the result page is a redirect away
        # (ess/private_search.py); the result page is what is measured.
        path = response.headers["Location"]
        response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(
            f"{path} answered {response.status_code} "
            f"({response.headers.get('Location', '')}): check the benchmark settings."
        )
    for _ in range(warmup):
        client.get(path)
    # The debug cursor runs on a request of its own, outside the timings.
    response, captured = _capture(lambda: client.get(path))
    totals, sql = _time(lambda: client.get(path), repeat)
    return Result(
        key=scenario.key,
        label=scenario.label,
        target=scenario.path,
        samples_ms=totals,
        sql_samples_ms=sql,
        captured=captured,
        size_kb=round(len(response.content) / 1024, 1),
    )


def measure_queue_counts(user, *, warmup: int, repeat: int) -> Result:
    """The per-view counts aggregate alone (one query over every visible referral)."""
    for _ in range(warmup):
        queue_counts(user)  # also caches user.roles, as a request has by then
    _, captured = _capture(lambda: queue_counts(user))
    totals, sql = _time(lambda: queue_counts(user), repeat)
    return Result(
        key="queue_counts",
        label="queue_counts() alone",
        target="referrals.dashboard.queue_counts",
        samples_ms=totals,
        sql_samples_ms=sql,
        captured=captured,
    )


# ---------------------------------------------------------------------------------------------
# EXPLAIN
# ---------------------------------------------------------------------------------------------
SEQ_SCAN = re.compile(r"Seq Scan on (\w+)")
INDEX_SCAN = re.compile(
    r"(?:Index Scan|Index Only Scan|Bitmap Index Scan)(?: Backward)? (?:using |on )(\w+)"
)
TIMING = re.compile(r"(Planning|Execution) Time: ([\d.]+) ms")


def _kind(sql: str) -> str:
    if "FILTER (WHERE" in sql:
        return "counts"
    if "COUNT(*)" in sql:
        return "page count"
    if "LIMIT" in sql:
        return "page rows"
    return "other"


def explain(sql: str, runs: int = 3) -> dict:
    """EXPLAIN (ANALYZE, BUFFERS) of one captured SELECT (its parameters already inlined).

    Run `runs` times; the fastest run is kept (the others are disturbed by caches or load).
    """
    attempts = []
    with connection.cursor() as cursor:
        for _ in range(runs):
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            timings = {name.lower(): float(ms) for name, ms in TIMING.findall(plan)}
            attempts.append((timings.get("planning", 0) + timings.get("execution", 0), plan))
    _total, plan = min(attempts, key=lambda attempt: attempt[0])
    timings = {name.lower(): float(ms) for name, ms in TIMING.findall(plan)}
    return {
        "kind": _kind(sql),
        "planning_ms": timings.get("planning"),
        "execution_ms": timings.get("execution"),
        "seq_scans": sorted(set(SEQ_SCAN.findall(plan))),
        "indexes": sorted(set(INDEX_SCAN.findall(plan))),
        "sql": sql,
        "plan": plan,
    }


def explain_referral_queries(result: Result) -> list[dict]:
    """Explain each query of a captured request that reads the referrals table."""
    return [
        explain(q["sql"])
        for q in result.captured
        if q["sql"].lstrip(" (").upper().startswith("SELECT") and '"referrals_referral"' in q["sql"]
    ]
