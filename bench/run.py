"""Benchmark of the coordinator's dashboard (/regulation/) on PostgreSQL with many referrals.

    .venv/bin/python bench/run.py [--referrals 100000] [--repeat 50] [--warmup 5] [--reset]

Creates (if missing) and migrates a dedicated database (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/ess_bench), loads N synthetic referrals with bulk inserts
unless it already holds at least N, then times the dashboard in-process with Django's test
client (median and 95th percentile over repeated requests, queries per request), with /healthz
measured in the same run as the bare cost of a request. Prints a Markdown table and EXPLAIN
(ANALYZE, BUFFERS) summaries, and writes everything to bench/results/dashboard-<timestamp>.json.
See bench/README.md.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

BENCH_DIR = Path(__file__).resolve().parent
BASE_DIR = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/ess_bench"
# Settings require a key when DEBUG is off; nothing signed here outlives the run.
THROWAWAY_SECRET_KEY = "bench-only-not-a-secret-0d1f6c2e"  # noqa: S105


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--referrals", type=int, default=100_000, help="referrals to load (default 100000)"
    )
    parser.add_argument(
        "--repeat", type=int, default=50, help="timed requests per scenario (default 50)"
    )
    parser.add_argument(
        "--warmup", type=int, default=5, help="untimed requests per scenario first (default 5)"
    )
    parser.add_argument(
        "--reset", action="store_true", help="empty the benchmark tables and load again"
    )
    parser.add_argument("--seed", type=int, default=2026, help="random seed of the data set")
    args = parser.parse_args(argv)
    if args.referrals < 1 or args.repeat < 1 or args.warmup < 0:
        parser.error("--referrals and --repeat must be positive, --warmup not negative")
    return args


# ---------------------------------------------------------------------------------------------
# Environment and database (before Django is set up)
# ---------------------------------------------------------------------------------------------
def configure_environment(database_url: str, static_root: str) -> None:
    """Production-like settings (DEBUG off) pointed at the benchmark database."""
    os.environ.update(
        DJANGO_SETTINGS_MODULE="ess.settings",
        DATABASE_URL=database_url,
        DEBUG="0",
        SECRET_KEY=THROWAWAY_SECRET_KEY,
        ALLOWED_HOSTS="testserver,localhost",
        SECURE_SSL_REDIRECT="0",
        ESS_DEMO="0",
        # /healthz stays a database-only probe; the cache is in memory, as without Redis.
        REDIS_URL="",
        STATIC_ROOT=static_root,
        LOG_LEVEL="WARNING",
    )
    sys.path.insert(0, str(BASE_DIR))


def ensure_database(database_url: str) -> bool:
    """Create the benchmark database when missing; True when it was created."""
    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    if "bench" not in name:
        raise SystemExit(f"Refusing to use database {name!r}: its name must contain 'bench'.")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return True


def git_commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return ""
    return out.stdout.strip()


# ---------------------------------------------------------------------------------------------
# Steps (after Django is set up)
# ---------------------------------------------------------------------------------------------
def prepare(args: argparse.Namespace) -> dict:
    """Migrate, collect static files, load the data set unless already there."""
    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import override_settings

    from bench import dataset

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    migrate_s = time.perf_counter() - started
    # Templates resolve {% static %} through the manifest, as in production; plain manifest
    # storage writes the same staticfiles.json without spending time on compression.
    manifest = {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}
    with override_settings(STORAGES={**settings.STORAGES, "staticfiles": manifest}):
        call_command("collectstatic", interactive=False, verbosity=0)

    existing = dataset.referral_count()
    if args.reset or 0 < existing < args.referrals:
        print(f"Emptying the benchmark tables ({existing} referrals present).")
        dataset.truncate()
        existing = 0
    if existing >= args.referrals:
        print(f"{existing} referrals already loaded (>= {args.referrals}): loading skipped.")
        load = {"loaded": False, "seconds": 0.0}
    else:
        print(f"Loading {args.referrals} referrals…", flush=True)
        report = dataset.load(args.referrals, seed=args.seed)
        print(
            f"Loaded {report.referrals} referrals, {report.patients} patients "
            f"in {report.seconds:.1f} s."
        )
        load = {"loaded": True, "seconds": round(report.seconds, 2), "patients": report.patients}
    load["migrate_seconds"] = round(migrate_s, 2)
    load["referrals_in_db"] = dataset.referral_count()
    return load


def run_measurements(args: argparse.Namespace) -> tuple[list, dict]:
    from bench import dataset, measure

    user = dataset.ensure_coordinator()
    client = measure.logged_in_client(user)
    results = []
    for scenario in measure.scenarios():
        print(f"  {scenario.label}…", flush=True)
        results.append(
            measure.measure_request(client, scenario, warmup=args.warmup, repeat=args.repeat)
        )
    results.append(measure.measure_queue_counts(user, warmup=args.warmup, repeat=args.repeat))
    explains = {r.key: measure.explain_referral_queries(r) for r in results if r.key != "healthz"}
    return results, explains


def environment_info(load_before: tuple[float, float, float]) -> dict:
    import django
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        (pg_version,) = cursor.fetchone()
    return {
        "python": platform.python_version(),
        "django": django.get_version(),
        "postgresql": pg_version,
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        # 1-minute load average before and after measuring: other work on the machine shows here.
        "load_average": {"before": round(load_before[0], 2), "after": round(os.getloadavg()[0], 2)},
        "commit": git_commit(),
    }


# ---------------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------------
def markdown_table(results: list) -> str:
    lines = [
        "| Scenario | Median (ms) | p95 (ms) | Min (ms) | SQL, median (ms) | Queries | Size (KB) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        size = f"{r.size_kb:.1f}" if r.size_kb else "—"
        lines.append(
            f"| {r.label} | {r.median_ms:.1f} | {r.p95_ms:.1f} | {min(r.samples_ms):.1f} "
            f"| {r.sql_median_ms:.1f} | {r.queries} | {size} |"
        )
    return "\n".join(lines)


def explain_report(explains: dict) -> str:
    lines = []
    for key, plans in explains.items():
        for p in plans:
            seq = ", ".join(p["seq_scans"]) or "none"
            idx = ", ".join(p["indexes"]) or "none"
            lines.append(
                f"- {key} / {p['kind']}: planning {p['planning_ms']:.2f} ms, "
                f"execution {p['execution_ms']:.2f} ms; seq scans: {seq}; indexes: {idx}"
            )
    default = explains.get("default", [])
    page = [p for p in default if p["kind"] == "page rows"]
    if page:
        lines += ["", "Plan of the default view's page query:", "", "```", page[0]["plan"], "```"]
    scanned = [p["kind"] for p in default if "referrals_referral" in p["seq_scans"]]
    if scanned:
        lines += [
            "",
            "Sequential scan on referrals_referral in the default view: "
            + ", ".join(scanned)
            + " query.",
        ]
    return "\n".join(lines)


def write_json(payload: dict) -> Path:
    RESULTS_DIR.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS_DIR / f"dashboard-{stamp}.json"
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    with tempfile.TemporaryDirectory(prefix="ess-bench-static-") as static_root:
        configure_environment(database_url, static_root)
        created = ensure_database(database_url)
        print(
            f"Database {urlsplit(database_url).path.lstrip('/')}"
            f"{' created' if created else ''}; migrating…",
            flush=True,
        )

        import django

        django.setup()
        load = prepare(args)
        load_before = os.getloadavg()
        print(f"Measuring ({args.warmup} warm-up + {args.repeat} timed requests per scenario):")
        results, explains = run_measurements(args)
        info = environment_info(load_before)

    count = f"{load['referrals_in_db']:,}".replace(",", " ")
    title = (
        f"Dashboard benchmark: {count} referrals, PostgreSQL {info['postgresql']}, "
        f"{args.repeat} requests per scenario"
    )
    print(f"\n## {title}\n\n{markdown_table(results)}\n")
    machine = info["load_average"]
    print(
        f"Python {info['python']}, Django {info['django']}, {info['cpus']} CPUs, load average "
        f"{machine['before']} before / {machine['after']} after measuring; "
        f"data load {load['seconds']} s{'' if load['loaded'] else ' (skipped)'}.\n"
    )
    print(f"### EXPLAIN (ANALYZE, BUFFERS)\n\n{explain_report(explains)}\n")
    path = write_json(
        {
            "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "arguments": vars(args),
            "environment": info,
            "load": load,
            "results": [r.summary() for r in results],
            "explain": explains,
        }
    )
    print(f"Results written to {path.relative_to(BASE_DIR)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
