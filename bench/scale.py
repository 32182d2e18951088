"""Flat cost at national scale: the same requests on 10,000 and 1,000,000 referrals, side by side.

    .venv/bin/python bench/scale.py [--rounds 5] [--repeat 30] [--reset] [--only …] [--sets 10k]

Three PostgreSQL databases (BENCH_SCALE_DATABASE_URL names the server, default
postgres://postgres@127.0.0.1:5432/, and each database is `ess_bench_scale_<data set>`):

- `10k`: 10,000 referrals, 10 % open (about 1,000 open: a realistic queue);
- `1m`: 1,000,000 referrals with a realistic open queue (about 1,000 open);
- `1m_stress`: 1,000,000 referrals of which 100,000 are open.

One process per data set holds Django pointed at its database (production settings, DEBUG off,
Redis as cache and Celery broker, a real Celery worker for the data set the API is measured on).
The parent sends every scenario to every data set in turn, round after round (interleaved
runs), and takes the median of all samples. Reference views (a bare login-required view, a
bare view doing the API's writes) live in bench/reference_views.py, not in the product.

Prints the table "measure | project | reference | ratio | target | met", the EXPLAIN summary of
every SQL statement of every scenario (sequential scans on the referrals, patients or audit
tables are listed and fail the run's `index-backed` line), and writes
bench/results/scale-<timestamp>.json. See bench/README.md.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
BASE_DIR = BENCH_DIR.parent
sys.path.insert(0, str(BASE_DIR))

from bench.run import THROWAWAY_SECRET_KEY, ensure_database, git_commit  # noqa: E402
from bench.scale_plan import BY_KEY, DATASETS, INFORMATION, SCENARIOS, TARGETS, Scenario  # noqa: E402

RESULTS_DIR = BENCH_DIR / "results"
DEFAULT_SERVER_URL = "postgres://postgres@127.0.0.1:5432/"
REDIS = "redis://127.0.0.1:6379/{db}"
WATCHED_TABLES = ("referrals_referral", "referrals_patient", "ess_auditevent")
CHECKED_PLANS = ("1m", "1m_stress")  # the data sets whose plans must be index-backed


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (default 5)")
    parser.add_argument(
        "--repeat", type=int, default=30, help="timed runs per scenario and data set (default 30)"
    )
    parser.add_argument("--warmup", type=int, default=3, help="untimed runs first (default 3)")
    parser.add_argument("--reset", action="store_true", help="load the data sets again")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--only", help="comma-separated scenario keys (default: all)")
    parser.add_argument(
        "--sets", help="comma-separated data sets, e.g. 10k (default: every scenario's own)"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)  # internal: serve one data set
    parser.add_argument("--prepare", help=argparse.SUPPRESS)  # internal: load one data set
    args = parser.parse_args(argv)
    if args.rounds < 1 or args.repeat < args.rounds or args.warmup < 0:
        parser.error("--rounds ≥ 1, --repeat ≥ --rounds, --warmup ≥ 0")
    return args


def database_url(key: str) -> str:
    server = os.environ.get("BENCH_SCALE_DATABASE_URL", DEFAULT_SERVER_URL).rstrip("/")
    return f"{server}/ess_bench_scale_{key}"


def child_environment(key: str, static_root: str) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=database_url(key),
        DEBUG="0",
        SECRET_KEY=THROWAWAY_SECRET_KEY,
        ALLOWED_HOSTS="testserver,localhost",
        SECURE_SSL_REDIRECT="0",
        ESS_DEMO="0",
        REDIS_URL=REDIS.format(db=DATASETS[key].redis_db),
        STATIC_ROOT=static_root,
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(BASE_DIR),
        # The API's throttle still runs (its cost is measured) but a long run (--repeat) must
        # not reach the production rate of one account (600 requests a minute).
        ESS_API_RATE_USER="1000000/min",
    )
    return env


# ---------------------------------------------------------------------------------------------
# Parent
# ---------------------------------------------------------------------------------------------
class Child:
    """A process serving one data set: one JSON command per line in, one JSON answer out."""

    def __init__(self, key: str, env: dict):
        self.key = key
        self.process = subprocess.Popen(  # noqa: S603 -- our own script
            [sys.executable, __file__, "--child", key],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd=BASE_DIR,
        )

    def ask(self, **command) -> dict:
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the {self.key} process stopped (see its messages above)")
        answer = json.loads(line)
        if "error" in answer:
            raise RuntimeError(f"{self.key}: {answer['error']}")
        return answer

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            self.process.wait(timeout=60)


def prepare_all(args, static_root: str, needed) -> dict:
    """Create, migrate and load the databases of the data sets `needed` (kept between runs);
    the realistic 1M set is a copy of the stress set."""
    timings = {}
    for key in ("10k", "1m_stress", "1m"):
        if key not in needed and not (key == "1m_stress" and "1m" in needed):
            continue
        created = ensure_database(database_url(key)) if key != "1m" else False
        started = time.perf_counter()
        command = [sys.executable, __file__, "--prepare", key, "--seed", str(args.seed)]
        if args.reset or created:
            command.append("--reset")
        if key == "1m":
            _copy_stress_database(reset=args.reset)
        subprocess.run(command, check=True, env=child_environment(key, static_root), cwd=BASE_DIR)  # noqa: S603
        timings[key] = round(time.perf_counter() - started, 1)
    return timings


def _copy_stress_database(*, reset: bool) -> None:
    """The realistic 1M set starts as a copy of the stress set (PostgreSQL's template copy),
    then closes all but about 1,000 of its open referrals (--prepare 1m)."""
    import psycopg
    from psycopg import sql

    server = database_url("postgres").rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(server, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [_name("1m")]
        ).fetchone()
        if exists and not reset:
            return
        if exists:
            connection.execute(sql.SQL("DROP DATABASE {}").format(sql.Identifier(_name("1m"))))
        connection.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(_name("1m")), sql.Identifier(_name("1m_stress"))
            )
        )


def _name(key: str) -> str:
    return database_url(key).rsplit("/", 1)[1]


def start_worker(key: str, env: dict) -> subprocess.Popen:
    """A Celery worker on the data set the API is measured on, as in production."""
    return subprocess.Popen(  # noqa: S603
        [
            str(Path(sys.executable).with_name("celery")),
            "-A",
            "ess",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        env=env,
        cwd=BASE_DIR,
        stdout=subprocess.DEVNULL,
    )


def measure_all(args, children: dict[str, Child], scenarios: list[Scenario]) -> dict:
    samples: dict[tuple[str, str], list[float]] = {}
    info: dict[tuple[str, str], dict] = {}
    for scenario in scenarios:
        for key in scenario.datasets:
            info[scenario.key, key] = children[key].ask(
                op="warm", scenario=scenario.key, warmup=args.warmup
            )
    for round_number in range(args.rounds):
        print(f"Round {round_number + 1}/{args.rounds}…", flush=True)
        for scenario in scenarios:
            repeat = max(1, round(args.repeat * scenario.weight / args.rounds))
            # Alternate the order of the data sets from one round to the next.
            keys = scenario.datasets if round_number % 2 == 0 else scenario.datasets[::-1]
            for key in keys:
                answer = children[key].ask(
                    op="time",
                    scenario=scenario.key,
                    repeat=repeat,
                    collect_first=scenario.collect_first,
                )
                samples.setdefault((scenario.key, key), []).extend(answer["samples_ms"])
    return {
        f"{scenario}@{key}": {
            **info[scenario, key],
            "median_ms": round(statistics.median(values), 2),
            "samples_ms": [round(v, 2) for v in values],
        }
        for (scenario, key), values in samples.items()
    }


def ratio_rows(measures: dict) -> list[dict]:
    rows = []
    for label, (p_scenario, p_key), (r_scenario, r_key), target, kind in TARGETS:
        project = measures.get(f"{p_scenario}@{p_key}")
        reference = measures.get(f"{r_scenario}@{r_key}")
        if not project or not reference:
            continue
        p_ms, r_ms = project["median_ms"], reference["median_ms"]
        if kind == "throughput":
            ratio = r_ms / p_ms
            met = ratio >= target
            shown_ratio, shown_target = f"{ratio:.0%}", f"≥ {target:.0%}"
        else:
            ratio = p_ms / r_ms
            met = ratio <= target
            shown_ratio, shown_target = f"{ratio:.2f}×", f"≤ {target:g}×"
        rows.append(
            {
                "measure": label,
                "project_ms": p_ms,
                "reference_ms": r_ms,
                "ratio": round(ratio, 3),
                "ratio_shown": shown_ratio,
                "target_shown": shown_target,
                "met": met,
            }
        )
    for label, (p_scenario, p_key), (r_scenario, r_key) in INFORMATION:
        project = measures.get(f"{p_scenario}@{p_key}")
        reference = measures.get(f"{r_scenario}@{r_key}")
        if project and reference:
            ratio = project["median_ms"] / reference["median_ms"]
            rows.append(
                {
                    "measure": label,
                    "project_ms": project["median_ms"],
                    "reference_ms": reference["median_ms"],
                    "ratio": round(ratio, 3),
                    "ratio_shown": f"{ratio:.2f}×",
                    "target_shown": "—",
                    "met": None,
                }
            )
    return rows


def markdown_table(rows: list[dict]) -> str:
    lines = [
        "| measure | project (ms) | reference (ms) | ratio | target | met |",
        "|---|---:|---:|---:|---:|:---:|",
    ]
    for row in rows:
        met = {True: "yes", False: "**no**", None: "—"}[row["met"]]
        lines.append(
            f"| {row['measure']} | {row['project_ms']:.1f} | {row['reference_ms']:.1f} | "
            f"{row['ratio_shown']} | {row['target_shown']} | {met} |"
        )
    return "\n".join(lines)


def measures_table(measures: dict) -> str:
    lines = [
        "| scenario | data set | median (ms) | queries |",
        "|---|---|---:|---:|",
    ]
    for scenario in SCENARIOS:
        for key in scenario.datasets:
            measure = measures.get(f"{scenario.key}@{key}")
            if measure:
                lines.append(
                    f"| {scenario.label} | {key} | {measure['median_ms']:.1f} | "
                    f"{measure.get('queries', '—')} |"
                )
    return "\n".join(lines)


def explain_summary(explains: dict) -> tuple[str, bool]:
    lines = [
        "| scenario | data set | statements | slowest (ms) | sequential scans |",
        "|---|---|---:|---:|---|",
    ]
    clean = True
    for name, plans in explains.items():
        scenario, key = name.split("@")
        watched = sorted({t for plan in plans for t in plan["seq_scans"] if t in WATCHED_TABLES})
        # At 10,000 rows a sequential scan can be the planner's right choice; what must never
        # happen is one over the history of the 1,000,000-referral sets, in the product's own
        # statements (a reference's are shown, not held to it).
        if key in CHECKED_PLANS and not BY_KEY[scenario].reference:
            clean = clean and not watched
        slowest = max(
            ((plan["planning_ms"] or 0) + (plan["execution_ms"] or 0) for plan in plans),
            default=0,
        )
        lines.append(
            f"| {BY_KEY[scenario].label} | {key} | {len(plans)} | {slowest:.1f} | "
            f"{', '.join(watched) or 'none on the watched tables'} |"
        )
    return "\n".join(lines), clean


def parent(args) -> int:
    scenarios = SCENARIOS
    if args.only:
        wanted = set(args.only.split(","))
        scenarios = [scenario for scenario in SCENARIOS if scenario.key in wanted]
    if args.sets:
        sets = args.sets.split(",")
        scenarios = [
            replace(scenario, datasets=kept)
            for scenario in scenarios
            if (kept := tuple(key for key in scenario.datasets if key in sets))
        ]
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="ess-bench-static-") as static_root:
        subprocess.run(  # production static files, as the product serves them
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            check=True,
            env=child_environment("10k", static_root),
            cwd=BASE_DIR,
        )
        needed = sorted({key for scenario in scenarios for key in scenario.datasets})
        load_s = prepare_all(args, static_root, needed)
        envs = {key: child_environment(key, static_root) for key in needed}
        workers = [start_worker("1m", envs["1m"])] if "1m" in needed else []
        children = {key: Child(key, envs[key]) for key in needed}
        try:
            described = {key: children[key].ask(op="describe") for key in needed}
            measures = measure_all(args, children, scenarios)
            explains = {}
            for scenario in scenarios:
                for key in scenario.datasets:
                    plans = children[key].ask(op="explain", scenario=scenario.key)["plans"]
                    explains[f"{scenario.key}@{key}"] = plans
        finally:
            for child in children.values():
                child.close()
            for worker in workers:
                worker.terminate()
                worker.wait(timeout=30)
    rows = ratio_rows(measures)
    explain_text, clean = explain_summary(explains)
    names = ", ".join(f"{key} = {described[key]['label']}" for key in needed)
    title = (
        f"## Flat cost: {names}\n\n"
        f"{os.cpu_count()} CPUs, {described[needed[0]]['postgresql']}, "
        f"{args.rounds} interleaved rounds, {args.repeat} timed runs per scenario and data set "
        f"(fewer for indicators and PDFs), medians."
    )
    print(f"\n{title}\n\n{markdown_table(rows)}\n")
    print(f"### Every scenario\n\n{measures_table(measures)}\n")
    print(f"### Query plans (EXPLAIN ANALYZE of every statement)\n\n{explain_text}\n")
    print(
        "Index-backed: "
        + ("yes, no sequential scan on the watched tables." if clean else "**NO**, see above.")
    )
    RESULTS_DIR.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS_DIR / f"scale-{stamp}.json"
    payload = {
        "generated_at": datetime.now(UTC).isoformat(),
        "git_commit": git_commit(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average_before": load_before,
        "load_seconds": load_s,
        "arguments": {k: v for k, v in vars(args).items() if k not in {"child", "prepare"}},
        "datasets": described,
        "table": rows,
        "index_backed": clean,
        "measures": measures,
        "explains": explains,
    }
    path.write_text(json.dumps(payload, indent=1, ensure_ascii=False, default=str))
    print(f"Results: {path.relative_to(BASE_DIR)}")
    return 0 if all(row["met"] is not False for row in rows) and clean else 1


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.prepare:
        from bench import scale_child

        return scale_child.prepare(args.prepare, reset=args.reset, seed=args.seed)
    if args.child:
        from bench import scale_child

        return scale_child.serve(args.child)
    return parent(args)


if __name__ == "__main__":
    sys.exit(main())
