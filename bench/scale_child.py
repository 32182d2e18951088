"""One data set of bench/scale.py: loading it (`prepare`) and serving measurements (`serve`).

Runs in its own process, with Django set up on the data set's database (bench/settings.py).
`serve` reads one JSON command per line on stdin and answers one JSON line on stdout:
`describe`, `warm` (check the scenario answers as expected, count its queries), `time` (run it
N times, return the milliseconds of each run) and `explain` (EXPLAIN ANALYZE every SELECT of
one run). Everything else it prints goes to stderr.
"""

import itertools
import json
import sys
import time
from collections.abc import Callable

import django

REALISTIC_OPEN = 1_000
AUDIT_ROWS_PER_REFERRAL = 2
MANAGER_EMAIL = "direction@bench.invalid"
REQUESTER_EMAIL = "demandeur1@bench.invalid"
SPECIALIST_EMAIL = "cardiologie1@bench.invalid"


def _setup() -> None:
    django.setup()


# ---------------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------------
def prepare(key: str, *, reset: bool, seed: int) -> int:
    _setup()
    from django.core.management import call_command

    from referrals.models import Referral

    sys.stdout = sys.stderr  # keep stdout for the parent's protocol
    call_command("migrate", interactive=False, verbosity=0)
    started = time.perf_counter()
    if key == "10k":
        if reset or Referral.objects.count() < 10_000:
            from bench import dataset

            print("10k: loading 10,000 referrals…", flush=True)
            dataset.truncate()
            dataset.load(10_000, seed=seed)
            _audit_history()
    elif key == "1m_stress":
        if reset or Referral.objects.count() < 1_000_000:
            from bench.indicators import load

            print("1m_stress: loading 1,000,000 referrals…", flush=True)
            load(1_000_000, seed)
            _audit_history()
    elif key == "1m" and _open_count() > 2 * REALISTIC_OPEN:
        print("1m: closing all but about 1,000 open referrals…", flush=True)
        _close_all_but_recent()
    _accounts(health_project=key == "1m")
    _vacuum()
    print(f"{key}: ready in {time.perf_counter() - started:.0f} s", flush=True)
    return 0


def _open_count() -> int:
    from referrals.models import OPEN_STATUSES, Referral

    return Referral.objects.filter(status__in=OPEN_STATUSES).count()


def _latest_ins() -> str:
    """The INS of the patient of the latest referral that has one: a patient with a few lines in
    a trail of millions."""
    from referrals.models import Referral

    return (
        Referral.objects.exclude(patient__ins="")
        .order_by("-pk")
        .values_list("patient__ins", flat=True)
        .first()
    )


def _audit_history() -> None:
    """Two reads per referral in the audit trail (2,000,000 rows at 1M), spread over its life."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO ess_auditevent (at, actor_id, actor_email, action, object_type, "
            "object_id, object_label, ip_address, user_agent, path, via, outcome) "
            "SELECT r.submitted_at + make_interval(hours => g), r.requester_id, u.email, 'view', "
            "'referrals.referral', r.public_id::text, r.reference, '192.0.2.1', 'bench', "
            "'/demandes/' || r.public_id::text || '/', '', 'allowed' "
            "FROM referrals_referral r JOIN members_user u ON u.id = r.requester_id "
            "CROSS JOIN generate_series(1, %s) g",
            [AUDIT_ROWS_PER_REFERRAL],
        )


def _close_all_but_recent() -> None:
    """Keep about 1,000 open referrals (half of the template's, the most recent copy); close the
    others as completed, as a real history would have them."""
    from django.db import connection

    from referrals.models import OPEN_STATUSES

    with connection.cursor() as cursor:
        cursor.execute("SELECT MIN(id) FROM referrals_referral")
        (first,) = cursor.fetchone()
        cursor.execute(
            "UPDATE referrals_referral SET status = 'completed', "
            "completed_at = COALESCE(completed_at, submitted_at + interval '4 days'), "
            "closed_at = COALESCE(closed_at, submitted_at + interval '4 days'), "
            "specialist_id = COALESCE(specialist_id, (SELECT MIN(u.id) FROM members_user u "
            "JOIN members_rolegrant g ON g.user_id = u.id WHERE g.role = 'specialist')), "
            "offered_to_id = NULL, offered_to_pool = false "
            "WHERE status = ANY(%s) AND NOT (id < %s + 20000 AND id %% 2 = 0)",
            [list(OPEN_STATUSES), first],
        )


def _accounts(*, health_project: bool) -> None:
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.contrib.auth.hashers import make_password

    from bench import dataset
    from ess.mfa import has_second_factor
    from ess.roles import Role
    from members.models import Profession, RoleGrant, User

    dataset.ensure_coordinator()
    manager, _ = User.objects.get_or_create(
        email=MANAGER_EMAIL,
        defaults={
            "first_name": "Dominique",
            "last_name": "Direction",
            "profession": Profession.ADMINISTRATIVE,
            "password": make_password(None),
        },
    )
    RoleGrant.objects.get_or_create(user=manager, role=Role.MANAGER)
    for user in (manager, User.objects.get(email=SPECIALIST_EMAIL)):
        if not has_second_factor(user):
            TOTP.activate(user, generate_totp_secret())
    if health_project:
        from projet_sante.project.models import ProjectVersion

        if not ProjectVersion.objects.exists():
            from bench.indicators import health_project as seed

            seed()


def _vacuum() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")


# ---------------------------------------------------------------------------------------------
# Scenarios
# ---------------------------------------------------------------------------------------------
class Scenarios:
    """Each scenario is a callable doing one run and raising if the answer is wrong."""

    def __init__(self):
        from django.test import Client
        from django.urls import reverse

        from bench.dataset import COORDINATOR_EMAIL
        from bench.measure import logged_in_client
        from members.models import User

        users = {
            u.email: u
            for u in User.objects.filter(
                email__in=[COORDINATOR_EMAIL, MANAGER_EMAIL, REQUESTER_EMAIL, SPECIALIST_EMAIL]
            )
        }
        self.coordinator = logged_in_client(users[COORDINATOR_EMAIL])
        self.manager = logged_in_client(users[MANAGER_EMAIL])
        self.requester = logged_in_client(users[REQUESTER_EMAIL])
        self.specialist = logged_in_client(users[SPECIALIST_EMAIL])
        self.requester_user = users[REQUESTER_EMAIL]
        # An API client as deployed: its token, no session cookie (the reference view, a page,
        # is reached with the session).
        self.api_client = Client()
        self.counter = itertools.count(int(time.time()) % 1_000_000 * 10)
        self.dashboard = reverse("referrals:dashboard")
        self.paths = {
            "bare": (self.coordinator, "/bench/bare/"),
            "default": (self.coordinator, self.dashboard),
            "deep_page": (self.coordinator, f"{self.dashboard}?vue=toutes&page=200"),
            "search": (self.coordinator, f"{self.dashboard}?vue=toutes&q=DUPONT"),
            "filter": (
                self.coordinator,
                f"{self.dashboard}?vue=toutes&priorite=P2&specialite=cardiologie",
            ),
            "requester_list": (self.requester, reverse("referrals:list")),
            "inbox": (self.specialist, reverse("referrals:inbox")),
            "audit": (self.manager, reverse("audit_list")),
            "audit_actor": (self.manager, f"{reverse('audit_list')}?acteur=demandeur2"),
            "fhir_audit_patient": (
                self.manager,
                f"{reverse('fhir:auditevent-search')}?patient.identifier={_latest_ins()}",
            ),
        }
        self._api_key = None
        self._period = None
        self._html = {}

    def get(self, key: str) -> Callable[[], object]:
        if key in self.paths:
            client, path = self.paths[key]
            response = client.get(path)
            if response.status_code == 303:  # a private search: the result page is measured
                path = response.headers["Location"]
                self.paths[key] = (client, path)
            return lambda: self._get(client, path)
        return getattr(self, key)

    @staticmethod
    def _get(client, path):
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
        return response

    # The API and its reference --------------------------------------------------------------
    def _key(self) -> str:
        if self._api_key is None:
            from ess.api_auth import token_issue
            from ess.models import TokenScope

            _token, self._api_key = token_issue(
                user=self.requester_user, name="bench", scope=TokenScope.READ_WRITE, days=1
            )
        return self._api_key

    def api_post(self):
        from bench.api_reference import idempotency_key, sample_payload

        payload = sample_payload(next(self.counter))
        response = self.api_client.post(
            "/api/v1/referrals/",
            data=json.dumps(payload),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Token {self._key()}",
            HTTP_IDEMPOTENCY_KEY=idempotency_key(payload),
        )
        if response.status_code != 201:
            raise RuntimeError(f"API answered {response.status_code}: {response.content[:300]}")

    def same_writes(self):
        from bench.api_reference import sample_payload

        response = self.requester.post(
            "/bench/same-writes/",
            data=json.dumps(sample_payload(next(self.counter))),
            content_type="application/json",
        )
        if response.status_code != 201:
            raise RuntimeError(f"same writes answered {response.status_code}")

    # Indicators and reports -----------------------------------------------------------------
    def period(self):
        if self._period is None:
            from projet_sante.indicators.periods import previous_quarter

            self._period = previous_quarter()
        return self._period

    def indicators(self):
        from bench.indicators_reference import product_figures

        return product_figures(self.period())

    def indicators_sql(self):
        from bench.indicators_reference import raw_sql_figures

        return raw_sql_figures(self.period())

    def quarterly_pdf(self):
        from projet_sante.indicators.reports import render_quarterly_report

        return render_quarterly_report(self.period().key)

    def quarterly_html_pdf(self):
        from bench.indicators_reference import quarterly_html

        return self._weasyprint("quarterly", lambda: quarterly_html(self.period()))

    def project_pdf(self):
        from projet_sante.project.pdf import render_project_pdf

        return render_project_pdf(self._version(), self.period())

    def project_html_pdf(self):
        from bench.indicators_reference import project_html

        return self._weasyprint("project", lambda: project_html(self._version(), self.period()))

    def _version(self):
        from projet_sante.project.models import ProjectVersion

        return ProjectVersion.objects.order_by("number").first()

    def _weasyprint(self, name: str, html: Callable[[], tuple[str, str]]):
        """WeasyPrint alone on the HTML the product renders (made once, outside the timing)."""
        import weasyprint

        if name not in self._html:
            self._html[name] = html()
        string, base_url = self._html[name]
        return weasyprint.HTML(string=string, base_url=base_url).write_pdf()


def serve(key: str) -> int:
    _setup()
    from django.db import connection

    from bench.measure import _capture, _time, explain

    out = sys.stdout
    sys.stdout = sys.stderr
    scenarios = Scenarios()
    runners: dict[str, Callable[[], object]] = {}
    for line in sys.stdin:
        command = json.loads(line)
        try:
            op = command["op"]
            if op == "describe":
                answer = _describe(key)
            elif op == "warm":
                runner = runners[command["scenario"]] = scenarios.get(command["scenario"])
                runner()
                for _ in range(command["warmup"]):
                    runner()
                _value, captured = _capture(runner)
                answer = {"queries": len(captured)}
            elif op == "time":
                totals, sql = _time(
                    runners[command["scenario"]],
                    command["repeat"],
                    collect_first=command.get("collect_first", False),
                )
                answer = {"samples_ms": totals, "sql_ms": sql}
            elif op == "explain":
                _value, captured = _capture(runners[command["scenario"]])
                plans = []
                for query in captured:
                    text = query["sql"].lstrip()
                    # A union's first SELECT is parenthesised: "(SELECT …) UNION (SELECT …)";
                    # the indicators' cohort is one "WITH … SELECT" (read-only: no CTE writes).
                    upper = text.lstrip("(").upper()
                    read_only = upper.startswith("SELECT") or (
                        upper.startswith("WITH")
                        and not any(w in upper for w in ("INSERT ", "UPDATE ", "DELETE "))
                    )
                    if read_only and "FOR UPDATE" not in upper:
                        plan = explain(text, runs=1)
                        plans.append(
                            {k: plan[k] for k in plan if k != "plan"}
                            | ({"plan": plan["plan"]} if plan["seq_scans"] else {})
                        )
                answer = {"plans": plans}
            else:
                answer = {"error": f"unknown command {op}"}
        except Exception as error:  # reported to the parent, which stops
            import traceback

            traceback.print_exc()
            answer = {"error": f"{type(error).__name__}: {error}"}
            connection.close()
        out.write(json.dumps(answer, default=str) + "\n")
        out.flush()
    return 0


def _describe(key: str) -> dict:
    from django.db import connection

    from bench.scale_plan import DATASETS
    from ess.models import AuditEvent
    from referrals.models import OPEN_STATUSES, Patient, Referral

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        (version,) = cursor.fetchone()
    return {
        "label": DATASETS[key].label,
        "postgresql": f"PostgreSQL {version.split()[0]}",
        "referrals": Referral.objects.count(),
        "open": Referral.objects.filter(status__in=OPEN_STATUSES).count(),
        "patients": Patient.objects.count(),
        "audit_rows": AuditEvent.objects.count(),
    }
