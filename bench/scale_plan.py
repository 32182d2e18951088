"""What bench/scale.py measures: its data sets, its scenarios (a request on some of the data
sets), and the targets it checks (a scenario's median against a reference's)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class DataSet:
    key: str
    label: str
    referrals: int
    redis_db: int


DATASETS = {
    "10k": DataSet("10k", "10,000 referrals, ~1,000 open", 10_000, 11),
    "1m": DataSet("1m", "1,000,000 referrals, ~1,000 open", 1_000_000, 12),
    "1m_stress": DataSet("1m_stress", "1,000,000 referrals, 100,000 open", 1_000_000, 13),
}


@dataclass(frozen=True)
class Scenario:
    key: str
    label: str
    datasets: tuple[str, ...]
    weight: float = 1.0  # share of --repeat (slow scenarios run fewer times)
    # Each timed run starts on a collected heap (untimed), for the few runs of a heavy scenario:
    # otherwise one of them pays at random for a full collection of the garbage the previous
    # ones left (~100 ms after a PDF). Pages are timed as production serves them, collections
    # included, over enough runs for the median to hold.
    collect_first: bool = False
    # A yardstick defined in the benchmark (a bare view, hand-written SQL, WeasyPrint alone),
    # not the product: its plans are shown but not held to the index-backed rule.
    reference: bool = False


ALL = ("10k", "1m", "1m_stress")
# Indicators and PDFs: on the 1M set, a fifth as many runs, each on a collected heap.
HEAVY = {"datasets": ("1m",), "weight": 0.2, "collect_first": True}
SCENARIOS = [
    Scenario("bare", "Bare login-required view, one indexed query", ("10k",), reference=True),
    Scenario("default", "Dashboard, default view", ALL),
    Scenario("deep_page", "Dashboard, all, page 200", ALL),
    Scenario("search", "Dashboard, all, search DUPONT", ALL),
    Scenario("filter", "Dashboard, all, P2 + cardiologie", ALL),
    Scenario("requester_list", "Mes demandes (a requester)", ALL),
    Scenario("inbox", "Specialist's inbox", ALL),
    Scenario("audit", "Audit trail, first page", ALL),
    Scenario("audit_actor", "Audit trail, filtered on an actor", ALL),
    Scenario("fhir_audit_patient", "FHIR AuditEvent, one patient's lines", ALL),
    Scenario("api_post", "POST /api/v1/referrals/", ("1m",)),
    Scenario(
        "same_writes", "Bare view, the API's writes in one transaction", ("1m",), reference=True
    ),
    Scenario("indicators", "A quarter's indicators", **HEAVY),
    Scenario("indicators_sql", "The same figures in hand-written SQL", reference=True, **HEAVY),
    Scenario("quarterly_pdf", "Quarterly report PDF", **HEAVY),
    Scenario("quarterly_html_pdf", "WeasyPrint alone, same HTML", reference=True, **HEAVY),
    Scenario("project_pdf", "Health-project PDF", **HEAVY),
    Scenario("project_html_pdf", "WeasyPrint alone, same HTML", reference=True, **HEAVY),
]
BY_KEY = {scenario.key: scenario for scenario in SCENARIOS}

# (measure, project (scenario, data set), reference (scenario, data set), target, kind)
# kind "ratio": project / reference ≤ target; "throughput": reference / project ≥ target.
TARGETS = [
    ("Dashboard default view, 1M vs 10k", ("default", "1m"), ("default", "10k"), 1.3, "ratio"),
    ("Dashboard search, 1M vs 10k", ("search", "1m"), ("search", "10k"), 1.3, "ratio"),
    ("Dashboard filter, 1M vs 10k", ("filter", "1m"), ("filter", "10k"), 1.3, "ratio"),
    ("Dashboard page 200, 1M vs 10k", ("deep_page", "1m"), ("deep_page", "10k"), 1.3, "ratio"),
    (
        "Dashboard default view, stress (100k open) vs realistic, 1M",
        ("default", "1m_stress"),
        ("default", "1m"),
        3.0,
        "ratio",
    ),
    (
        "Dashboard vs bare login-required view (10k)",
        ("default", "10k"),
        ("bare", "10k"),
        8.0,
        "ratio",
    ),
    (
        "POST /api/v1/referrals/ throughput vs same writes (1M)",
        ("api_post", "1m"),
        ("same_writes", "1m"),
        0.4,
        "throughput",
    ),
    (
        "A quarter's indicators (1M) vs raw SQL",
        ("indicators", "1m"),
        ("indicators_sql", "1m"),
        1.5,
        "ratio",
    ),
    (
        "Quarterly report PDF vs WeasyPrint alone (1M)",
        ("quarterly_pdf", "1m"),
        ("quarterly_html_pdf", "1m"),
        1.3,
        "ratio",
    ),
    (
        "Health-project PDF vs WeasyPrint alone (1M)",
        ("project_pdf", "1m"),
        ("project_html_pdf", "1m"),
        1.3,
        "ratio",
    ),
]
# Shown for information: the other lists, 1M vs 10k.
INFORMATION = [
    ("Mes demandes, 1M vs 10k", ("requester_list", "1m"), ("requester_list", "10k")),
    ("Specialist's inbox, 1M vs 10k", ("inbox", "1m"), ("inbox", "10k")),
    ("Audit trail, 1M vs 10k", ("audit", "1m"), ("audit", "10k")),
    ("Audit trail on an actor, 1M vs 10k", ("audit_actor", "1m"), ("audit_actor", "10k")),
    (
        "FHIR AuditEvent, one patient, 1M vs 10k",
        ("fhir_audit_patient", "1m"),
        ("fhir_audit_patient", "10k"),
    ),
]
