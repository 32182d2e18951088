"""Benchmark of the indicators and the quarterly report on 1,000,000 referrals (PostgreSQL).

    .venv/bin/python bench/indicators.py [--referrals 1000000] [--repeat 5] [--reset]

Separate from `make bench` (the dashboard) because loading a million referrals takes minutes:
`make bench-indicators`. Uses its own database (BENCH_INDICATORS_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/ess_bench_indicators). See bench/README.md.

Loading: `bench.dataset.load()` writes a realistic template of 20,000 referrals (people,
patients, statuses and timestamps consistent with each status), then one
`INSERT … SELECT … FROM referrals_referral CROSS JOIN generate_series(1, k)` copies it k times,
each copy shifted back by a whole number of days so that the data spread over the quarters;
then the "scheduled" and "decline" events the indicators read are inserted the same way, and
`VACUUM (ANALYZE)`.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent))

from bench.run import configure_environment, ensure_database  # noqa: E402 -- path set above

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/ess_bench_indicators"
TEMPLATE = 20_000


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--referrals", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5, help="timed runs (default 5)")
    parser.add_argument("--reset", action="store_true", help="empty and load again")
    parser.add_argument("--seed", type=int, default=2026)
    return parser.parse_args(argv)


def load(count: int, seed: int) -> float:
    from django.db import connection, transaction

    from bench import dataset
    from referrals.models import Patient, Referral

    started = time.perf_counter()
    template = min(TEMPLATE, count)
    dataset.truncate()
    dataset.load(template, seed=seed)
    # Rounded up to a whole number of copies of the template (1,000,000 = 50 × 20,000).
    copies = max(0, -(-count // template) - 1)
    # Patients are copied with the referrals (copy g of patient p gets the id p + g × P), so
    # that the patient table grows with the history as it does in production. Copies carry no
    # INS (it is unique).
    patient_columns, patient_expressions = ["id"], ["p.id + g * %(patients)s"]
    for field in Patient._meta.concrete_fields:
        if field.primary_key:
            continue
        patient_columns.append(f'"{field.column}"')
        if field.name == "public_id":
            patient_expressions.append("gen_random_uuid()")
        elif field.name in {"ins", "ins_oid"}:
            patient_expressions.append("''")
        else:
            patient_expressions.append(f'p."{field.column}"')
    columns, expressions = [], []
    for field in Referral._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(f'"{field.column}"')
        if field.name == "public_id":
            expressions.append("gen_random_uuid()")
        elif field.name == "patient":
            expressions.append("r.patient_id + g * %(patients)s")
        elif field.name == "reference":
            expressions.append("r.reference || '-' || g")
        elif field.get_internal_type() == "DateTimeField":
            # Each copy moves back by g × 7 days (kept within about a year).
            expressions.append(f'r."{field.column}" - make_interval(days => (g %% 52) * 7)')
        else:
            expressions.append(f'r."{field.column}"')
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM referrals_patient")
        (patients,) = cursor.fetchone()
        cursor.execute(
            f"INSERT INTO referrals_patient ({', '.join(patient_columns)}) "  # noqa: S608
            f"SELECT {', '.join(patient_expressions)} FROM referrals_patient p "
            f"CROSS JOIN generate_series(1, %(copies)s) g",
            {"patients": patients, "copies": copies},
        )
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('referrals_patient', 'id'), "
            "(SELECT MAX(id) FROM referrals_patient))"
        )
        cursor.execute(
            f"INSERT INTO referrals_referral ({', '.join(columns)}) "  # noqa: S608 -- model columns
            f"SELECT {', '.join(expressions)} FROM referrals_referral r "
            f"CROSS JOIN generate_series(1, %(copies)s) g",
            {"patients": patients, "copies": copies},
        )
        # The events the indicators read: the first appointment, and specialists' declines.
        cursor.execute(
            "INSERT INTO referrals_referralevent (referral_id, at, kind, from_status, to_status, "
            "note, internal) SELECT id, COALESCE(accepted_at, triaged_at, submitted_at) "
            "+ interval '20 hours', 'transition', 'accepted', 'scheduled', '', false "
            "FROM referrals_referral WHERE appointment_at IS NOT NULL"
        )
        cursor.execute(
            "INSERT INTO referrals_referralevent (referral_id, at, kind, from_status, to_status, "
            "note, internal) SELECT id, triaged_at + interval '3 hours', 'decline', '', '', "
            "'Indisponible', true FROM referrals_referral "
            "WHERE triaged_at IS NOT NULL AND id % 29 = 0"
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    return time.perf_counter() - started


def timed(fn, repeat: int) -> tuple[float, list[float]]:
    samples = []
    for _i in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), samples


def health_project():
    """The demo's health project (validated v1: seven sections, missions and actions linked to
    indicators), created through the services once."""
    from ess.demo import seed_accounts
    from projet_sante.project.demo import seed_health_project
    from projet_sante.project.models import ProjectVersion

    seed_health_project(seed_accounts())
    return ProjectVersion.objects.order_by("number").first()


def main(argv=None) -> int:
    args = parse_args(argv)
    database_url = os.environ.get("BENCH_INDICATORS_DATABASE_URL", DEFAULT_DATABASE_URL)
    with tempfile.TemporaryDirectory(prefix="ess-bench-static-") as static_root:
        configure_environment(database_url, static_root)
        ensure_database(database_url)
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        from projet_sante.indicators.compute import indicators_compute
        from projet_sante.indicators.periods import previous_quarter
        from projet_sante.indicators.reports import render_quarterly_report
        from projet_sante.project.pdf import render_project_pdf
        from referrals.models import Referral

        call_command("migrate", interactive=False, verbosity=0)
        existing = Referral.objects.count()
        load_s = 0.0
        if args.reset or existing < args.referrals:
            print(f"Loading {args.referrals:,} referrals…", flush=True)
            load_s = load(args.referrals, args.seed)
            print(f"Loaded in {load_s:.0f} s.", flush=True)
        total = Referral.objects.count()
        period = previous_quarter()
        in_quarter = Referral.objects.filter(
            submitted_at__gte=period.start, submitted_at__lt=period.end
        ).count()
        indicators_compute(period)  # warm-up
        compute_ms, compute_samples = timed(lambda: indicators_compute(period), args.repeat)
        render_quarterly_report(period.key)  # warm-up
        pdf_ms, pdf_samples = timed(
            lambda: render_quarterly_report(period.key), max(1, args.repeat // 2 + 1)
        )
        version = health_project()
        render_project_pdf(version, period)  # warm-up
        project_ms, project_samples = timed(
            lambda: render_project_pdf(version, period), max(1, args.repeat // 2 + 1)
        )
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            (pg_version,) = cursor.fetchone()

    print(
        f"\n## Indicators benchmark: {total:,} referrals ({in_quarter:,} in {period.key}), "
        f"PostgreSQL {pg_version}, {os.cpu_count()} CPUs\n"
    )
    print("| Step | Median (ms) | Runs (ms) |\n|---|---:|---|")
    print(
        f"| Indicators of {period.key}, live (`indicators_compute`) | {compute_ms:.0f} | "
        f"{', '.join(f'{s:.0f}' for s in compute_samples)} |"
    )
    print(
        f"| Quarterly report PDF of {period.key} (figures live + WeasyPrint) | {pdf_ms:.0f} | "
        f"{', '.join(f'{s:.0f}' for s in pdf_samples)} |"
    )
    print(
        f"| Health-project PDF, v{version.number} with the indicators of {period.key} | "
        f"{project_ms:.0f} | {', '.join(f'{s:.0f}' for s in project_samples)} |"
    )
    if load_s:
        print(f"\nData load: {load_s:.0f} s.")
    print(f"Database: {urlsplit(database_url).path.lstrip('/')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
