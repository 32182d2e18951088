"""Professionals registering for the last places at the same moment, and one person clicking
twice: the places hold and nobody is registered twice (PostgreSQL, one connection each)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from events.models import Registration
from events.services import registrations as services
from tests.factories import TrainingFactory, UserFactory

CONTENDERS = 5
CAPACITY = 2


def race(training_id: int, users) -> list[str]:
    barrier = threading.Barrier(len(users))
    outcomes: list[str] = []
    lock = threading.Lock()

    def contend(user):
        try:
            barrier.wait()
            result = services.registration_create(training_id=training_id, by=user).status
        except ValidationError:
            result = "refused"
        except Exception as exc:  # any other outcome is a defect the assertion shows
            result = f"other: {exc!r}"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=contend, args=(u,)) for u in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_never_exceed_the_places(postgres, territory):
    training = TrainingFactory(capacity=CAPACITY)
    users = [UserFactory(requester=True) for _ in range(CONTENDERS)]

    outcomes = race(training.pk, users)

    assert sorted(outcomes) == ["confirmed"] * CAPACITY + ["waitlisted"] * (CONTENDERS - CAPACITY)
    assert Registration.objects.filter(training=training, status="confirmed").count() == CAPACITY


@pytest.mark.django_db(transaction=True)
def test_a_double_click_registers_once(postgres, territory):
    training = TrainingFactory()
    gp = UserFactory(requester=True)

    outcomes = race(training.pk, [gp, gp, gp])

    assert sorted(outcomes) == ["confirmed", "refused", "refused"]
    assert Registration.objects.filter(training=training).count() == 1
