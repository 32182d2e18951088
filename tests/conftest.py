"""Test setup: strict templates, personas, and real services (PostgreSQL, Redis, Chromium).

On a developer machine without PostgreSQL/Redis/Chromium the tests that need them are skipped
with a reason; under CI (CI=true) the same situation is a failure: in CI everything runs for real.
"""

import inspect
import os
import shutil
import time
import zlib
from pathlib import Path

import factory.random
import pytest
from django.conf import settings
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from django.template.base import Node
from django.test import override_settings

from tests.factories import PASSWORD, UserFactory

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
SITE_PACKAGES = str(Path(pytest.__file__).resolve().parent.parent)
# `make test` runs the suite in parallel processes (pytest-xdist): pytest-django gives each worker
# a test database of its own (test_<name>_gw0, …), and the Redis of REDIS_URL is shared through a
# key prefix per worker, for the cache and the Celery broker alike.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
REDIS_KEY_PREFIX = f"tests-{WORKER}"


def require(condition: bool, reason: str) -> None:
    """Skip (developer machine) or fail (CI) when a real service is missing."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI exige ce service : {reason}")
    pytest.skip(reason)


# ---------------------------------------------------------------------------------------------
# Strict templates: an undefined variable in one of *our* templates fails the test.
# ---------------------------------------------------------------------------------------------
class InvalidTemplateVariable(str):
    def __contains__(self, item):
        return item == "%s"

    def __mod__(self, name):
        for frame_info in inspect.stack()[1:40]:
            node = frame_info.frame.f_locals.get("self")
            if isinstance(node, Node) and getattr(node, "origin", None) is not None:
                origin = str(node.origin.name)
                if origin.startswith(SITE_PACKAGES):
                    return ""  # third-party templates rely on undefined variables
                raise AssertionError(f"Variable de gabarit indéfinie {name!r} dans {origin}")
        return ""


@pytest.fixture(autouse=True)
def _reproducible_data(request):
    """Each test draws the same names, dates and numbers on every run, seeded by its own id: a
    failure that the drawn data causes (a generated first name matching a search) happens every
    time, and can be reproduced with the test alone."""
    factory.random.reseed_random(zlib.crc32(request.node.nodeid.encode()))


@pytest.fixture(autouse=True)
def _strict_templates(settings):
    settings.TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = InvalidTemplateVariable("")
    from django.template import engines

    for engine in engines.all():
        engine.engine.string_if_invalid = settings.TEMPLATES[0]["OPTIONS"]["string_if_invalid"]
    yield
    for engine in engines.all():
        engine.engine.string_if_invalid = ""


@pytest.fixture(autouse=True)
def _eager_celery():
    """Tasks run in-process unless a test asks for the real broker and worker."""
    from ess.celery import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved


@pytest.fixture(autouse=True)
def _french():
    """A request in English leaves English active in the thread: every test starts in French."""
    from django.utils import translation

    translation.activate("fr")
    yield
    translation.activate("fr")


class WorkerRedisCache(RedisCache):
    """Django's Redis cache whose clear() empties its own key prefix only: Django's flushes the
    whole database, under the feet of the workers running beside this one."""

    def clear(self):
        client = self._cache.get_client(write=True)
        keys = list(client.scan_iter(match=f"{self.key_prefix}:*", count=1000))
        if keys:
            client.delete(*keys)
        return bool(keys)


@pytest.fixture(scope="session", autouse=True)
def _worker_cache():
    """With Redis, the cache of this worker lives under its own key prefix."""
    if not settings.REDIS_URL:
        yield
        return
    cache = {
        "BACKEND": "tests.conftest.WorkerRedisCache",
        "LOCATION": settings.REDIS_URL,
        "KEY_PREFIX": REDIS_KEY_PREFIX,
    }
    with override_settings(CACHES={"default": cache}):
        yield


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and allauth state live in the cache: each test starts clean."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.ESS_DEMO = False
    # Hashing strength is not under test: a fast hasher keeps persona creation cheap.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    settings.SECURE_SSL_REDIRECT = False
    # Text messages are logged and kept in ess.sms.sent, emptied for each test.
    settings.ESS_SMS_BACKEND = "ess.sms.LoggingBackend"
    from ess import sms

    sms.sent.clear()
    settings.STORAGES = {
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private", "base_url": "/non-public/"},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


# ---------------------------------------------------------------------------------------------
# Services
# ---------------------------------------------------------------------------------------------
@pytest.fixture
def postgres(db):
    require(
        connection.vendor == "postgresql",
        "nécessite PostgreSQL (verrous de ligne, concurrence réelle) : définir DATABASE_URL",
    )


@pytest.fixture
def redis_url():
    url = settings.REDIS_URL
    require(bool(url), "nécessite Redis : définir REDIS_URL")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        require(False, f"Redis injoignable à {url} : {exc}")
    return url


@pytest.fixture
def clamd():
    """The real ClamAV daemon named by CLAMD_SOCKET/CLAMD_URL. `.ci/run` starts one with a local
    signature database that detects the EICAR test file (bin/clamd-test)."""
    from ess import antivirus

    require(
        antivirus.scanner_configured(),
        "nécessite clamd : lancer bin/clamd-test et définir CLAMD_SOCKET",
    )
    try:
        antivirus.scanner_ping()
    except antivirus.ScannerUnavailable as exc:
        require(False, f"clamd injoignable : {exc}")


@pytest.fixture(scope="session", autouse=True)
def _deleting_flush():
    """After a transactional test its rows are deleted rather than every table truncated
    (tests/fast_flush.py): the same empty tables, in a fraction of the time."""
    from tests.fast_flush import deleting_flush

    with deleting_flush():
        yield


@pytest.fixture(scope="session", autouse=True)
def _territory_after_flush():
    """A transactional test's flush keeps the reference tables (the territory, specialties…)
    unless the test changed them (tests/fast_flush.py): then they are emptied with the rest and
    loaded again right after, committed (when the flush signals post_migrate, as for the content
    types it recreates). Otherwise each later test needing them would load them again inside its
    own transaction, rolled back with it."""
    from django.apps import apps
    from django.db.models.signals import post_migrate

    from tests.fast_flush import reference_emptied

    def reload(**kwargs):
        if reference_emptied():
            reference_reload()

    ess = apps.get_app_config("ess")
    post_migrate.connect(reload, sender=ess, dispatch_uid="tests-territory-after-flush")
    yield
    post_migrate.disconnect(sender=ess, dispatch_uid="tests-territory-after-flush")


def reference_reload(*, territory: bool = True) -> None:
    """The reference data as the migrations load it (with `territory`, the whole country),
    remembered as such by the flushes (tests/fast_flush.py)."""
    from ess.territory import specialties_load, territory_load
    from partners.reference import reference_data_load
    from tests.fast_flush import reference_remember

    if territory:
        territory_load()
    specialties_load()
    reference_data_load()
    reference_remember(connection)


@pytest.fixture(scope="session", autouse=True)
def _reference_data(request, django_db_setup, django_db_blocker):
    """Reference data comes from migrations; a test database reused from a run that left it
    incomplete gets it back once, here. Flushes then keep it (tests/fast_flush.py)."""
    from pytest_django.fixtures import _get_databases_for_setup

    # No selected test uses the database: no test database was created, and the configured
    # one (a developer's, or a production one) must not be touched.
    if not _get_databases_for_setup(request.session.items)[0]:
        return
    from ess.models import Commune

    with django_db_blocker.unblock():
        # Paris missing: the whole country is loaded again.
        reference_reload(territory=not Commune.objects.filter(code="75056").exists())


def territory_ensure() -> None:
    """The communes of the Loiret and Corsica, should a test find the reference tables empty
    (the whole country is normally there: loaded by the migrations, kept by flushes)."""
    from ess.models import Commune
    from ess.territory import specialties_load, territory_load

    if not Commune.objects.filter(code="45234").exists():
        from partners.reference import reference_data_load

        territory_load(departements={"45", "2A", "2B"})
        specialties_load()
        reference_data_load()


@pytest.fixture
def territory(db):
    """Communes for the test (territory_ensure)."""
    territory_ensure()


# ---------------------------------------------------------------------------------------------
# Data shared by consecutive tests (tests/shared_data.py)
# ---------------------------------------------------------------------------------------------
_NEXT_ITEM = pytest.StashKey()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_protocol(item, nextitem):
    # The `shared_data` fixture rolls its layers back after the last test that needs them.
    item.stash[_NEXT_ITEM] = nextitem


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    from tests.shared_data import reorder

    _xdist_groups_kept(items)
    reorder(items)
    _longest_first(items)


# Markers of the tests that take tens of seconds each.
LONG_MARKERS = ("browser", "slow")


def _longest_first(items) -> None:
    """The tests that take tens of seconds run first (their order kept), the quick ones after
    them: in a parallel run the quick ones then fill the workers evenly to the end, instead of
    one worker finishing a long test alone while the others wait. pytest-xdist sends the groups
    first (the largest first), then the other tests in this order."""
    items.sort(key=lambda item: not any(item.get_closest_marker(m) for m in LONG_MARKERS))


def _xdist_groups_kept(items) -> None:
    """`--dist loadgroup` sends a group's tests to one worker by the suffix pytest-xdist appends
    to their node ids (`…::test@group`), written to the node's legacy `_nodeid`; pytest 9.2 reads
    its structured id instead, so the suffix is lost and the groups are spread over the workers
    (pytest-dev/pytest-xdist#1386). The suffix is copied to the structured id."""
    try:
        from _pytest.nodeid import coerce_node_id
    except ImportError:  # pytest before 9.2: the legacy id is the node id
        return
    for item in items:
        legacy = item.__dict__.get("_nodeid")
        if legacy and legacy != item.nodeid:
            item._id = coerce_node_id(legacy)


@pytest.fixture(autouse=True)
def shared_data(request, _strict_templates, _eager_celery, _french, _fresh_cache, _test_settings):
    """The layers of shared data a test marked `@reads_shared(...)` reads (tests/shared_data.py),
    as a dict by layer name; None for every other test.

    Autouse, so that it runs before any fixture of the test needing `db`: the layers are built (or
    kept from the previous test) under the test's settings, then the test's own transaction opens
    inside them. After the last consecutive test that needs them, they are rolled back."""
    from tests.shared_data import STATE, layers_of

    layers = layers_of(request.node)
    if not layers:
        yield None
        return
    request.getfixturevalue("django_db_setup")
    blocker = request.getfixturevalue("django_db_blocker")
    with blocker.unblock():
        try:
            # The communes under the layers, as the `territory` fixture keeps them.
            values = STATE.build(layers, first=territory_ensure)
        except BaseException:
            STATE.rollback()
            raise
    request.getfixturevalue("db")
    yield values
    # Here the test's own transaction is already rolled back (`db` was set up after this).
    nextitem = request.node.stash.get(_NEXT_ITEM, None)
    if nextitem is None or not layers_of(nextitem):
        with blocker.unblock():
            STATE.rollback()


# ---------------------------------------------------------------------------------------------
# Personas
# ---------------------------------------------------------------------------------------------
@pytest.fixture
def requester(db):
    return UserFactory(requester=True)


@pytest.fixture
def other_requester(db):
    return UserFactory(requester=True)


@pytest.fixture
def coordinator(db):
    return UserFactory(coordinator=True)


@pytest.fixture
def specialist(db):
    return UserFactory(specialist=True)


@pytest.fixture
def other_specialist(db):
    return UserFactory(specialist=True)


@pytest.fixture
def paramedic(db):
    return UserFactory(paramedic=True)


@pytest.fixture
def manager(db):
    return UserFactory(manager=True)


@pytest.fixture
def authority(db):
    return UserFactory(authority=True)


@pytest.fixture
def password():
    return PASSWORD


def signed_in(client, user):
    """`client` signed in as `user`, as the browser ends up after allauth's sign-in: password,
    then the code of the enrolled second factor (ess/mfa.py) when the account has one."""
    from ess.mfa import has_second_factor, second_factor_mark

    client.force_login(user, backend="ess.auth.EssAuthenticationBackend")
    if has_second_factor(user):
        session = client.session
        second_factor_mark(session, user, method="mfa")
        session.save()
    return client


@pytest.fixture
def client_for(client):
    """Sign a persona in (session auth, as the browser would end up)."""
    return lambda user: signed_in(client, user)


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def psc(settings):
    """A real OpenID Connect provider on loopback standing in for Pro Santé Connect, the platform
    configured to sign in with it (tests/psc_provider.py)."""
    from tests.psc_provider import loopback_provider

    with loopback_provider() as provider:
        provider.configure(settings)
        yield provider


# ---------------------------------------------------------------------------------------------
# A real Celery worker on the real Redis
# ---------------------------------------------------------------------------------------------
@pytest.fixture
def worker(redis_url, postgres, settings):
    """A Celery worker thread consuming from the real Redis, on the test database. Its queues
    carry the key prefix of this test process: parallel runs never take each other's tasks."""
    from celery.contrib.testing.worker import start_worker

    from ess.celery import app

    saved = {
        k: app.conf[k] for k in ("task_always_eager", "broker_url", "broker_transport_options")
    }
    app.conf.update(
        task_always_eager=False,
        broker_url=redis_url,
        broker_transport_options={
            **app.conf.broker_transport_options,
            "global_keyprefix": f"{REDIS_KEY_PREFIX}:",
        },
    )
    app._pool = None
    app.amqp._producer_pool = None
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield
    app.conf.update(saved)
    app._pool = None
    app.amqp._producer_pool = None


def wait_until(condition, timeout=20.0) -> bool:
    """Poll `condition` until it holds (True) or `timeout` seconds pass (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False
