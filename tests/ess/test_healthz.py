from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from ess.outbox import email_deliver, email_queue


def test_healthz_is_ok_when_the_database_answers(client, db, settings):
    settings.REDIS_URL = ""

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "redis": "not_configured",
        "outbox_oldest_pending_seconds": None,
    }


def test_healthz_checks_redis_when_configured(client, db, settings, redis_url):
    settings.REDIS_URL = redis_url

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["redis"] == "ok"


def test_healthz_is_503_when_redis_is_down(client, db, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "database": "ok",
        "redis": "error",
        "outbox_oldest_pending_seconds": None,
    }


@pytest.fixture
def database_down(postgres):
    """Point the connection at a server that does not answer, then restore it.

    (An in-memory SQLite test database cannot be taken down without losing it.)
    """
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict["HOST"] = "127.0.0.1"
    connection.settings_dict["PORT"] = "1"
    yield
    connection.close()
    connection.settings_dict.clear()
    connection.settings_dict.update(saved)


@pytest.mark.django_db(transaction=True)
def test_healthz_is_503_when_the_database_is_down(client, settings, database_down):
    settings.REDIS_URL = ""

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["database"] == "error"


def test_healthz_reports_how_long_the_oldest_undelivered_email_has_waited(
    client, db, settings, django_capture_on_commit_callbacks
):
    """The broker was down when these were queued: nothing delivers them until beat's sweep.
    The probe stays green (web is fine) but shows the queue is stuck."""
    settings.REDIS_URL = ""
    now = timezone.now()
    with time_machine.travel(now - timedelta(minutes=42), tick=False):
        stuck = email_queue(to="medecin@exemple.fr", subject="Demande", body_text="…")
    with time_machine.travel(now - timedelta(minutes=3), tick=False):
        email_queue(to="coordination@exemple.fr", subject="Demande", body_text="…")
    with time_machine.travel(now - timedelta(hours=5), tick=False):
        sent = email_queue(to="ancien@exemple.fr", subject="Envoyé", body_text="…")
        email_deliver(email_id=sent.pk)

    with time_machine.travel(now, tick=False):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["outbox_oldest_pending_seconds"] == 42 * 60

    email_deliver(email_id=stuck.pk)
    with time_machine.travel(now, tick=False):
        assert client.get("/healthz").json()["outbox_oldest_pending_seconds"] == 3 * 60


def test_the_outbox_age_is_one_query_on_the_pending_index(postgres):
    """The probe runs every few seconds on a table that keeps every email ever sent."""
    from django.test.utils import CaptureQueriesContext

    from ess.outbox import outbox_oldest_pending_age

    with CaptureQueriesContext(connection) as queries:
        assert outbox_oldest_pending_age() is None
    assert len(queries) == 1

    with connection.cursor() as cursor:
        # An empty test table would be scanned; forbid that to see whether the index serves.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {queries[0]['sql']}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "outbox_pending" in plan
