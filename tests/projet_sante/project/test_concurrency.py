"""Races on the health project (PostgreSQL, real parallel connections): two managers opening a
version at once get one version; the last signature given while another authority asks for a
revision: exactly one wins; the ARS and the CPAM signing at once: validated once, both signed."""

import threading

import pytest
from django.db import connection

from ess.errors import TransitionNotAllowed
from projet_sante.project import services as ps
from projet_sante.project.models import ProjectVersion, VersionEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def race(calls) -> list[str]:
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = []
    lock = threading.Lock()

    def contend(call):
        try:
            barrier.wait()
            call()
            result = "won"
        except TransitionNotAllowed:
            result = "lost"
        except Exception as exc:  # any other outcome is a failure the assertion must show
            result = f"error: {exc!r}"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=contend, args=(c,)) for c in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_two_managers_opening_a_version_at_once_get_one(postgres):
    managers = [UserFactory(manager=True) for _ in range(4)]
    outcomes = race([lambda m=m: ps.version_start(by=m) for m in managers])
    assert sorted(outcomes) == ["lost", "lost", "lost", "won"]
    assert ProjectVersion.objects.count() == 1


def test_validation_and_revision_at_once_have_one_winner(postgres):
    manager = UserFactory(manager=True)
    ars, cpam = UserFactory(authority=True), UserFactory(authority=True, institution="cpam")
    for _ in range(5):
        version = ps.version_start(by=manager)
        ps.version_submit(version_id=version.pk, by=manager)
        ps.version_validate(version_id=version.pk, by=cpam)
        outcomes = race(
            [
                lambda v=version: ps.version_validate(version_id=v.pk, by=ars),
                lambda v=version: ps.version_request_revision(
                    version_id=v.pk, by=cpam, reason="À revoir."
                ),
            ]
        )
        assert sorted(outcomes) == ["lost", "won"]
        version.refresh_from_db()
        events = VersionEvent.objects.filter(version=version, from_status="submitted")
        assert events.count() == 1
        if version.status == "revision_requested":
            assert not version.signatures.exists()
            ps.version_submit(version_id=version.pk, by=manager)
            ps.version_validate(version_id=version.pk, by=ars)
            ps.version_validate(version_id=version.pk, by=cpam)


def test_the_ars_and_the_cpam_signing_at_once_validate_the_version_once(postgres):
    manager = UserFactory(manager=True)
    ars, cpam = UserFactory(authority=True), UserFactory(authority=True, institution="cpam")
    for _ in range(3):
        version = ps.version_start(by=manager)
        ps.version_submit(version_id=version.pk, by=manager)
        outcomes = race(
            [
                lambda v=version: ps.version_validate(version_id=v.pk, by=ars),
                lambda v=version: ps.version_validate(version_id=v.pk, by=cpam),
            ]
        )
        assert outcomes == ["won", "won"]
        version.refresh_from_db()
        assert version.status == "validated"
        assert sorted(version.signatures.values_list("institution", flat=True)) == ["ars", "cpam"]
        assert VersionEvent.objects.filter(version=version, to_status="validated").count() == 1
