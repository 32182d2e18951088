"""Property-based testing of the REST API from its own OpenAPI document (Schemathesis).

The schema is loaded from /api/schema/ and every operation in it is called in-process (Django's
WSGI application) with requests that Schemathesis derives from the schema:

- coverage: its deterministic edge cases of every parameter and body field (boundary lengths,
  wrong types, missing fields, unknown enum values, malformed and unsupported content types,
  methods the operation does not have), sent by the persona the operation is for;
- fuzzing: random valid and invalid requests, sent by every persona with its own API token,
  and by an anonymous caller.

Path identifiers are those of real objects (visible to the caller or not) unless the identifier
itself is what the case makes invalid, so details, lists and transitions answer from real rows.

Every answer must be one the schema documents (tests/security/api_schema.py: CHECKS): no server
error; a documented status code and content type; headers and a body that validate against the
schema, errors included. The examples are bounded and seeded: the run is the same every time,
about 1,100 requests in 45 s on an idle two-core machine. ESS_SCHEMATHESIS_DEPTH=6 multiplies
them for a longer exploration (about four minutes).
"""

import os
import re
import time
import zlib
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.core.failures import FailureGroup
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.drivers import CoverageGenerator
from schemathesis.generation.feedback import NO_FEEDBACK
from schemathesis.generation.overrides import Override

from ess.models import Notification, Specialty, Team
from members.models import Membership
from members.selectors import directory_visible_to
from partners.models import Convention, Partner
from partners.selectors import conventions_visible_to, partners_visible_to
from projet_sante.models import ProjectVersion
from projet_sante.project import services as project
from projet_sante.project.selectors import versions_visible_to
from referrals import services as referral_services
from referrals.models import Referral
from referrals.selectors import referrals_visible_to
from scheduling.models import ConsultationSession
from scheduling.selectors import sessions_visible_to
from tests.factories import (
    ConsultationSessionFactory,
    ConsultationSiteFactory,
    ConventionFactory,
    MembershipFactory,
    PartnerFactory,
    ReferralFactory,
    UserFactory,
)
from tests.security.api_schema import CHECKS, api_schema_fixture, token_headers  # noqa: F401

pytestmark = pytest.mark.postgres

DEPTH = int(os.environ.get("ESS_SCHEMATHESIS_DEPTH", "1"))
PERSONAS = ("requester", "coordinator", "specialist", "manager", "authority")
# Fuzzing examples per operation, persona and mode; anonymous calls are all refused alike.
FUZZ_EXAMPLES = {GenerationMode.POSITIVE: 2 * DEPTH, GenerationMode.NEGATIVE: 1 * DEPTH}
ANONYMOUS_EXAMPLES = 1 * DEPTH
# Coverage cases per operation, taken evenly from all of them (POST /referrals/ alone has 350).
COVERAGE_CASES = 12 * DEPTH
# Who sends an operation's coverage cases: the persona the operation is for.
ACTORS = [
    (r"POST /api/v1/referrals/$", "requester"),
    (r"/(triage|request-info|reorient)/$", "coordinator"),
    (r"/(accept|decline|schedule|complete)/$", "specialist"),
    (r"/api/v1/referrals/\{id\}/", "requester"),
    (r"/project-versions/\{id\}/(comments|request-revision|validate)/$", "authority"),
    (r"/(conventions|partners|project-versions|indicators)/", "manager"),
]


def _actor(label: str) -> str:
    return next((who for pattern, who in ACTORS if re.search(pattern, label)), "coordinator")


def _world() -> dict:
    cardiology, _ = Specialty.objects.get_or_create(
        code="cardiologie", defaults={"label": "Cardiologie"}
    )
    team, _ = Team.objects.get_or_create(pk=1, defaults={"name": "ESS test", "short_name": "ESS"})
    team.specialties.add(cardiology)
    users = {
        "requester": UserFactory(requester=True),
        "coordinator": UserFactory(coordinator=True),
        "specialist": MembershipFactory(active=True).user,
        "manager": UserFactory(manager=True),
        "authority": UserFactory(authority=True),
    }
    requester, coordinator = users["requester"], users["coordinator"]
    specialist, manager = users["specialist"], users["manager"]
    MembershipFactory(active=True)

    # The requester's referrals in every open state, most offered to the specialist's pool.
    ReferralFactory(requester=requester)
    ReferralFactory(requester=requester)
    for _ in range(3):
        ReferralFactory(requester=requester, triaged=True)
    asked = ReferralFactory(requester=requester)
    referral_services.referral_request_info(
        referral_id=asked.pk, by=coordinator, question="Traitement en cours ?"
    )
    for scheduled in (False, True, True):
        taken = ReferralFactory(requester=requester, triaged=True)
        referral_services.referral_accept(referral_id=taken.pk, by=specialist)
        if scheduled:
            referral_services.referral_schedule(
                referral_id=taken.pk,
                by=specialist,
                starts_at=timezone.now() + timedelta(days=2),
                location="Cabinet",
            )
    ReferralFactory(triaged=True)  # another requester's, offered to the pool
    ReferralFactory()  # another requester's, not triaged: the specialist does not see it

    site = ConsultationSiteFactory()
    ConsultationSessionFactory(site=site, specialist=specialist)
    ConsultationSessionFactory(site=site, specialist=None, status="draft")
    PartnerFactory()
    PartnerFactory(commune_id=None, website="")
    ConventionFactory()
    ConventionFactory(active=True)
    ConventionFactory(status="negotiation")
    validated = project.version_start(by=manager)
    project.version_submit(version_id=validated.pk, by=manager)
    project.version_validate(version_id=validated.pk, by=users["authority"], note="")
    cpam = UserFactory(authority=True, institution="cpam")
    project.version_validate(version_id=validated.pk, by=cpam, note="")
    submitted = project.version_start(by=manager)
    project.version_submit(version_id=submitted.pk, by=manager)
    return users


def _identifiers(user) -> dict[str, list[str]]:
    """Public ids per API resource: those `user` sees, then two others."""

    def ids(model, visible):
        seen = [str(i) for i in visible.order_by("pk").values_list("public_id", flat=True)[:8]]
        others = model.objects.exclude(public_id__in=seen).order_by("pk")
        return seen + [str(i) for i in others.values_list("public_id", flat=True)[:2]]

    return {
        "referrals": ids(Referral, referrals_visible_to(user)),
        "consultation-sessions": ids(ConsultationSession, sessions_visible_to(user)),
        "conventions": ids(Convention, conventions_visible_to(user)),
        "partners": ids(Partner, partners_visible_to(user)),
        "members": ids(Membership, directory_visible_to(user)),
        "project-versions": ids(ProjectVersion, versions_visible_to(user)),
        "notifications": ids(Notification, Notification.objects.filter(recipient=user)),
    }


class Run:
    """Sends cases and keeps the first failure of each kind per operation and persona."""

    def __init__(self, app, headers: dict, identifiers: dict):
        self.app = app
        self.headers = headers
        self.identifiers = identifiers
        self.failures: dict[tuple, str] = {}
        self.calls = 0
        self.answered: dict[str, set[int]] = {}

    def send(self, case, who: str | None, pick: int = 0):
        self._use_a_real_identifier(case, who, pick)
        headers = self.headers.get(who, {})
        label, who = case.operation.label, who or "anonymous"
        self.calls += 1
        try:
            # A savepoint: a request that breaks the transaction does not break the next one.
            with transaction.atomic():
                response = case.call(app=self.app, headers=headers)
            case.validate_response(response, checks=CHECKS, headers=headers)
        except FailureGroup as group:
            for failure in group.exceptions:
                self.failures.setdefault(
                    (label, who, failure.title),
                    f"{label} as {who}: {failure.title}\n{failure.message}\n"
                    + _replay(case, headers),
                )
        except Exception as exc:  # a crash outside the checks is a failure too
            key = (label, who, type(exc).__name__)
            self.failures.setdefault(key, f"{label} as {who}: {exc!r}\n{_replay(case, headers)}")
        else:
            self.answered.setdefault(label, set()).add(response.status_code)

    def _use_a_real_identifier(self, case, who, pick: int):
        """Unless the identifier is what the case makes invalid, that of a real object: one the
        caller sees, mostly, or one it does not (the last two of each list)."""
        if not case.path_parameters or who is None:
            return
        path = case.meta.components.get(ParameterLocation.PATH)
        if path is not None and path.mode == GenerationMode.NEGATIVE:
            return
        resource = case.operation.path.removeprefix("/api/v1/").split("/")[0]
        choices = self.identifiers[who].get(resource)
        if choices:
            (name,) = case.path_parameters
            case.path_parameters[name] = choices[pick % len(choices)]

    def coverage(self, operation):
        generator = CoverageGenerator(
            operation=operation,
            generation_modes=list(GenerationMode),
            generation_config=operation.schema.config.generation_for(
                operation=operation, phase="coverage"
            ),
            auth_storage=None,
            override=Override(),
            feedback=NO_FEEDBACK,
        )
        cases = list(generator)
        step = max(1, len(cases) // COVERAGE_CASES)
        for pick, case in enumerate(cases[::step][:COVERAGE_CASES]):
            self.send(case, _actor(operation.label), pick)

    def fuzz(self, operation, who: str | None, mode: GenerationMode, examples: int):
        @seed(zlib.crc32(f"{operation.label} {who} {mode}".encode()))
        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(generation_mode=mode), pick=st.integers(0, 50))
        def run(case, pick):
            self.send(case, who, pick)

        try:
            run()
        except Unsatisfiable:
            # Nothing in the operation can be made invalid (no parameter, no body).
            assert mode == GenerationMode.NEGATIVE, operation.label


def _replay(case, headers: dict) -> str:
    """The request as a curl command (the token shows as [Filtered])."""
    try:
        return case.as_curl_command(headers=headers)
    except Exception:  # the reproduction is a help, never the failure
        return repr(case)


def test_generated_requests_get_documented_answers(territory, api_schema):
    schema, app = api_schema
    users = _world()
    run = Run(
        app,
        {who: token_headers(user) for who, user in users.items()},
        {who: _identifiers(user) for who, user in users.items()},
    )
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 30, "the schema lost its operations"

    started = time.monotonic()
    for operation in operations:
        run.coverage(operation)
        for who in PERSONAS:
            for mode, examples in FUZZ_EXAMPLES.items():
                run.fuzz(operation, who, mode, examples)
        run.fuzz(operation, None, GenerationMode.POSITIVE, ANONYMOUS_EXAMPLES)
    print(f"{run.calls} calls in {time.monotonic() - started:.0f} s")

    assert not run.failures, f"{len(run.failures)} kinds of failure:\n\n" + "\n\n".join(
        run.failures.values()
    )
    # The run reached the endpoints themselves, not only their refusals.
    succeeded = {label for label, codes in run.answered.items() if codes & {200, 201, 204}}
    assert len(succeeded) >= 0.75 * len(operations), sorted(run.answered.items())
