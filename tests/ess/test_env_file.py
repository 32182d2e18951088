"""The environment file, and `make run` against a production one.

A newcomer copies .env.example to .env (the production instructions say so) and then tries the
demo: `make run` must still answer on 127.0.0.1, whatever that file holds.
"""

import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MAKE = shutil.which("make") or "/usr/bin/make"
# A clean environment: nothing of the test run (DATABASE_URL, REDIS_URL…) leaks into the child.
BASE_ENV = {"PATH": os.environ["PATH"], "HOME": "/tmp", "DJANGO_SETTINGS_MODULE": "ess.settings"}
HOSTS_PROBE = (
    "import django; from django.conf import settings; django.setup();"
    "print(','.join(settings.ALLOWED_HOSTS))"
)


@pytest.fixture
def clone(tmp_path):
    """The project's files in a directory of their own, sharing the virtualenv, with .env copied
    from .env.example as docs/operations.md tells for production."""
    target = tmp_path / "ess"
    shutil.copytree(
        ROOT,
        target,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", ".tools", "var", ".env", "__pycache__", "bench", "tests", "*.mo"
        ),
    )
    (target / ".venv").symlink_to(ROOT / ".venv")
    shutil.copy(target / ".env.example", target / ".env")
    return target


def make_run_command(containing: str) -> tuple[dict[str, str], list[str]]:
    """One command of `make run` (read from the Makefile's dry run): its variables and argv."""
    result = subprocess.run(
        [MAKE, "-n", "-s", "run", "PORT=8000"],
        cwd=ROOT,
        env=BASE_ENV,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    line = next(line for line in result.stdout.splitlines() if containing in line)
    words = shlex.split(line)
    variables = {}
    while words and "=" in words[0] and words[0].partition("=")[0].isidentifier():
        name, _, value = words.pop(0).partition("=")
        variables[name] = value
    return variables, words


def make_run_environment() -> dict[str, str]:
    """The variables `make run` gives ./bin/serve."""
    return make_run_command("bin/serve")[0]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get_status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 -- local http URL
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def serve(directory: Path, env: dict[str, str], port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        ["./bin/serve"],
        cwd=directory,
        env={**BASE_ENV, **env, "PORT": str(port)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # runserver's reloader forks: stop the whole group
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process
        except OSError:
            time.sleep(0.3)
    stop(process)
    pytest.fail("le serveur de démonstration n'a pas démarré en 60 s")


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, 15)
    process.wait(timeout=30)


@pytest.mark.slow
def test_make_run_answers_on_localhost_with_a_production_env_file(clone):
    migrate_env, migrate = make_run_command("manage.py migrate")
    subprocess.run(migrate, cwd=clone, env={**BASE_ENV, **migrate_env}, timeout=300, check=True)
    demo_env = make_run_environment()
    port = free_port()

    server = serve(clone, demo_env, port)
    try:
        assert get_status(f"http://127.0.0.1:{port}/healthz") == 200
        assert get_status(f"http://127.0.0.1:{port}/accounts/login/") == 200
    finally:
        stop(server)


def test_that_production_env_file_would_refuse_every_demo_request(clone):
    """The situation the Makefile guards against: with .env read, every request gets 400."""
    port = free_port()

    server = serve(clone, {"DEBUG": "1", "ESS_DEMO": "1"}, port)
    try:
        assert get_status(f"http://127.0.0.1:{port}/healthz") == 400
    finally:
        stop(server)


def test_make_run_keeps_the_demo_off_the_production_mail_relay_and_database(clone):
    probe = (
        "import django; from django.conf import settings; django.setup();"
        "print(settings.EMAIL_BACKEND, settings.DATABASES['default']['ENGINE'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=clone,
        env={**BASE_ENV, **make_run_environment()},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    assert result.stdout.split() == [
        "django.core.mail.backends.filebased.EmailBackend",
        "django.db.backends.sqlite3",
    ]


def test_a_named_env_file_is_read(tmp_path):
    env_file = tmp_path / "ess.env"
    env_file.write_text("ALLOWED_HOSTS=ess.example.org\nSECRET_KEY=from-the-named-file\n")

    result = subprocess.run(
        [sys.executable, "-c", HOSTS_PROBE],
        cwd=ROOT,
        env={**BASE_ENV, "ESS_ENV_FILE": str(env_file)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ess.example.org"


def test_a_named_env_file_that_is_missing_stops_the_start(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", HOSTS_PROBE],
        cwd=ROOT,
        env={**BASE_ENV, "ESS_ENV_FILE": str(tmp_path / "absent.env"), "DEBUG": "1"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode != 0
    assert "absent.env" in result.stderr


def test_the_test_suite_itself_never_reads_env():
    assert os.environ["ESS_ENV_FILE"] == ""


def test_make_help_lists_the_targets_with_what_they_do():
    result = subprocess.run(
        [MAKE, "-s", "help"], cwd=ROOT, env=BASE_ENV, capture_output=True, text=True, check=True
    )

    lines = {line.split()[1]: line for line in result.stdout.splitlines()}
    assert {"run", "test", "lint", "install", "clean"} <= lines.keys()
    assert "http://127.0.0.1:8000" in lines["run"]


def test_env_example_documents_every_variable_the_settings_read():
    source = (ROOT / "ess" / "settings.py").read_text()
    read = set(re.findall(r'env\.\w+\(\s*"([A-Z][A-Z0-9_]+)"', source))
    documented = set(
        re.findall(r"^#?([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.MULTILINE)
    )

    assert {"DATABASE_URL", "ESS_BASE_URL", "EMAIL_URL"} <= read
    # ESS_ENV_FILE chooses the file itself: the header explains it, no line could set it.
    assert read - documented - {"ESS_ENV_FILE"} == set()
