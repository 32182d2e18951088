"""Settings come from the environment: each case starts a fresh interpreter with its own env."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import json, django; from django.conf import settings; django.setup();"
    "print(json.dumps({"
    "'debug': settings.DEBUG, 'db': settings.DATABASES['default']['ENGINE'],"
    "'db_name': str(settings.DATABASES['default']['NAME']),"
    "'eager': settings.CELERY_TASK_ALWAYS_EAGER, 'cache': settings.CACHES['default']['BACKEND'],"
    "'email': settings.EMAIL_BACKEND, 'mail_dir': str(getattr(settings, 'EMAIL_FILE_PATH', '')),"
    "'demo': settings.ESS_DEMO, 'mfa_switch': hasattr(settings, 'ESS_REQUIRE_MFA'),"
    "'token_days': settings.ESS_API_TOKEN_DAYS, 'hosts': settings.ALLOWED_HOSTS,"
    "'tz': settings.TIME_ZONE, 'lang': settings.LANGUAGE_CODE, 'secret': settings.SECRET_KEY,"
    "}))"
)
BASE_ENV = {
    "PATH": os.environ["PATH"],
    "DJANGO_SETTINGS_MODULE": "ess.settings",
    "HOME": "/tmp",
    "ESS_ENV_FILE": "",  # a developer's .env must not change what these cases see
}


def run(code: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**BASE_ENV, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def probe(**env) -> dict:
    result = run(PROBE, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_defaults_are_sqlite_under_var_eager_celery_and_emails_as_files():
    conf = probe(DEBUG="1")

    assert conf["db"] == "django.db.backends.sqlite3"
    assert conf["db_name"] == str(ROOT / "var" / "ess.sqlite3")
    assert conf["eager"] is True
    assert conf["cache"].endswith("LocMemCache")
    assert conf["email"] == "django.core.mail.backends.filebased.EmailBackend"
    assert conf["mail_dir"] == str(ROOT / "var" / "mail")
    assert (conf["tz"], conf["lang"]) == ("Europe/Paris", "fr")


def test_database_and_redis_urls_switch_to_postgresql_and_a_real_broker():
    conf = probe(
        DEBUG="1",
        DATABASE_URL="postgres://ess:pw@db.internal:5432/ess",
        REDIS_URL="redis://cache.internal:6379/0",
    )

    assert conf["db"] == "django.db.backends.postgresql"
    assert conf["db_name"] == "ess"
    assert conf["eager"] is False
    assert conf["cache"].endswith("RedisCache")


def test_email_url_selects_smtp():
    result = run(
        "import django; from django.conf import settings; django.setup();"
        "print(settings.EMAIL_BACKEND, settings.EMAIL_HOST, settings.EMAIL_PORT)",
        DEBUG="1",
        EMAIL_URL="smtp://relay.example.org:2525",
    )
    assert result.stdout.split() == [
        "django.core.mail.backends.smtp.EmailBackend",
        "relay.example.org",
        "2525",
    ]


def test_without_debug_a_secret_key_is_required():
    result = run(PROBE, ALLOWED_HOSTS="ess.example.org")

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_secret_key_can_come_from_a_file(tmp_path):
    secret_file = tmp_path / "secret"
    secret_file.write_text("k" * 20 + "from-a-docker-secret-file-0123456789")

    conf = probe(SECRET_KEY_FILE=str(secret_file), ALLOWED_HOSTS="ess.example.org")

    assert conf["secret"] == secret_file.read_text()
    assert conf["debug"] is False
    assert conf["hosts"] == ["ess.example.org"]


@pytest.mark.parametrize(
    ("env", "demo", "token_days"),
    [
        ({}, False, 90),
        ({"ESS_DEMO": "1", "ESS_API_TOKEN_DAYS": "30"}, True, 30),
        # The old switch is gone: an environment that still sets it turns nothing off.
        ({"ESS_DEMO": "1", "ESS_REQUIRE_MFA": "0"}, True, 90),
    ],
)
def test_demo_mode_and_token_validity_come_from_the_environment_and_mfa_has_no_switch(
    env, demo, token_days
):
    conf = probe(DEBUG="1", **env)

    assert (conf["demo"], conf["token_days"]) == (demo, token_days)
    assert conf["mfa_switch"] is False


def test_check_deploy_reports_nothing_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={
            **BASE_ENV,
            "SECRET_KEY": "Zx8-" + "production-like-secret-key-with-enough-entropy" * 2,
            "ALLOWED_HOSTS": "ess.example.org",
            "ESS_BASE_URL": "https://ess.example.org",
            "CLAMD_URL": "tcp://clamav:3310",
        },
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_warns_when_production_keeps_the_development_base_url():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={
            **BASE_ENV,
            "SECRET_KEY": "Zx8-" + "production-like-secret-key-with-enough-entropy" * 2,
            "ALLOWED_HOSTS": "ess.example.org",
        },
    )

    assert "ess.W401" in result.stdout + result.stderr


DELAYS_PROBE = (
    "import json, django; from django.conf import settings; django.setup();"
    "print(json.dumps([settings.ESS_PRIORITY_DELAYS_HOURS, settings.ESS_PRIORITY_DELAY_RULES]))"
)


def test_each_priority_s_delay_and_rule_come_from_the_environment():
    result = run(
        DELAYS_PROBE,
        DEBUG="1",
        ESS_PRIORITY_DELAYS_HOURS="P3=45,P4=180",
        ESS_PRIORITY_DELAY_RULES="P3=opening,P4=opening",
    )

    assert result.returncode == 0, result.stderr
    delays, rules = json.loads(result.stdout)
    assert delays == {"P1": 24, "P2": 48, "P3": 45, "P4": 180}
    assert rules == {"P1": "calendar", "P2": "calendar", "P3": "opening", "P4": "opening"}


@pytest.mark.parametrize(
    "env",
    [
        {"ESS_PRIORITY_DELAY_RULES": "P3=weekdays"},
        {"ESS_PRIORITY_DELAY_RULES": "P5=opening"},
        {"ESS_PRIORITY_DELAYS_HOURS": "P1=0"},
    ],
)
def test_a_wrong_delay_or_rule_stops_the_start(env):
    result = run(DELAYS_PROBE, DEBUG="1", **env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
