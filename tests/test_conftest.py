"""The test setup itself, as a contributor uses it."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_a_part_of_the_suite_without_database_tests_runs_and_leaves_the_database_alone(tmp_path):
    """CONTRIBUTING tells to run a part of the suite: one without database tests must pass, and
    must not write reference data into the configured (non-test) database."""
    database = tmp_path / "developer.sqlite3"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "tests/ess/test_settings_from_env.py::test_email_url_selects_smtp",
            "-q",
        ],
        cwd=ROOT,
        env={
            "PATH": os.environ["PATH"],
            "HOME": "/tmp",
            "DATABASE_URL": f"sqlite:///{database}",
        },
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert result.returncode == 0, result.stdout[-2000:]
    assert "1 passed" in result.stdout
    assert not database.exists() or database.stat().st_size == 0
