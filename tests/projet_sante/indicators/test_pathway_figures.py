"""Care pathways and télé-RCP in the indicators: the figures on a hand-built quarter (data.py,
`build_pathways`), small counts masked for ARS/CPAM, the API, and the quarterly report."""

import io
from datetime import date, datetime

import pytest
from pypdf import PdfReader

from projet_sante.indicators.compute import indicators_compute
from projet_sante.indicators.display import present
from projet_sante.indicators.periods import Filters, quarter_period
from projet_sante.indicators.registry import BY_CODE, PATHWAYS_AND_MEETINGS
from projet_sante.indicators.reports import render_quarterly_report
from tests.factories import PathwayFactory, PathwayTaskFactory
from tests.projet_sante.indicators.data import PARIS, build_pathways

pytestmark = pytest.mark.django_db
Q1 = quarter_period(2026, 1)
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=PARIS)
API_URL = "/api/v1/indicators/"


@pytest.fixture
def pathways(db):
    return build_pathways()


def value(values, code):
    return values[code]["value"]


def test_pathways_open_at_the_end_of_the_period_and_opened_during_it(pathways):
    values = indicators_compute(Q1, now=NOW)

    # P1 (opened before), P2 (paused), P4 (closed only in April): open on 31 March.
    assert value(values, "pathways_open") == 3
    # P2, P3, P4 opened in the quarter; P1 before, P5 after.
    assert value(values, "pathways_opened") == 3
    # On 30 June: P1, P2 and P5 (opened in April); P4 closed on 5 April.
    assert value(indicators_compute(quarter_period(2026, 2), now=NOW), "pathways_open") == 3


def test_delegated_tasks_done_by_their_due_day_in_paris_time(pathways):
    values = indicators_compute(Q1, now=NOW)

    assert value(values, "pathway_tasks_on_time") == 2
    # Known: T1, T2 (done 00:30 the next day), T3 (late, still to do), T6; T4 cancelled.
    assert values["pathway_tasks_on_time_pct"] == {"value": 50.0, "n": 4, "count": 2}


def test_a_task_not_yet_due_is_not_counted_late(db):
    mid_quarter = datetime(2026, 2, 15, 12, 0, tzinfo=PARIS)
    PathwayTaskFactory(due_on=date(2026, 2, 16))  # still to do, not due yet: unknown
    PathwayTaskFactory(due_on=date(2026, 2, 14))  # still to do after its due day: late
    PathwayTaskFactory(due_on=date(2026, 2, 20), done=True, done_at=mid_quarter)

    values = indicators_compute(Q1, now=mid_quarter)

    assert values["pathway_tasks_on_time_pct"] == {"value": 50.0, "n": 2, "count": 1}


def test_alerts_and_median_time_to_the_doctors_answer(pathways):
    values = indicators_compute(Q1, now=NOW)

    assert value(values, "pathway_alerts") == 4
    # Answered after 2, 6 and 13 hours; the fourth is still unanswered.
    assert values["pathway_alert_answer_median_hours"] == {"value": 6.0, "n": 3}


def test_case_meetings_held_and_cases_discussed(pathways):
    values = indicators_compute(Q1, now=NOW)

    assert value(values, "rcp_meetings_held") == 2  # M1, and M2 at 23:30 on 31 March
    assert value(values, "rcp_cases_discussed") == 2  # the third case of M1 has no decision
    assert value(indicators_compute(quarter_period(2026, 2), now=NOW), "rcp_cases_discussed") == 1


def test_filters_reach_the_patients_place_and_the_protocols_specialty(pathways):
    values = indicators_compute(Q1, Filters(departement="2A"), now=NOW)

    assert value(values, "pathways_open") == 1  # P2, whose patient lives in Corsica
    assert value(values, "pathway_alerts") == 1
    assert value(values, "rcp_cases_discussed") == 1
    assert value(values, "pathway_tasks_on_time") == 0
    cardiology = indicators_compute(Q1, Filters(specialty="cardiologie"), now=NOW)
    # No protocol nor referral gives these pathways a specialty; the meetings are cardiology's.
    assert value(cardiology, "pathways_open") == 0
    assert value(cardiology, "rcp_meetings_held") == 2


def test_an_empty_period_gives_zero_counts_and_no_rate(db):
    values = indicators_compute(Q1, now=NOW)

    assert value(values, "pathways_open") == 0
    assert value(values, "rcp_meetings_held") == 0
    assert value(values, "pathway_tasks_on_time_pct") is None
    assert value(values, "pathway_alert_answer_median_hours") is None


def test_the_figures_stay_one_statement_whatever_the_data(db, django_assert_num_queries):
    from projet_sante.indicators.pathway_figures import pathway_figures

    build_pathways()
    with django_assert_num_queries(1):
        pathway_figures(Q1, Filters(), NOW)
    for _i in range(10):
        PathwayTaskFactory(pathway=PathwayFactory(), due_on=date(2026, 2, 1))
    with django_assert_num_queries(1):
        pathway_figures(Q1, Filters(departement="45"), NOW)


def test_authority_sees_small_counts_masked_but_the_meetings_held(pathways):
    rows = {r.code: r for r in present(indicators_compute(Q1, now=NOW), mask=True)}

    assert rows["pathways_open"].display == "< 10"
    assert rows["pathway_tasks_on_time_pct"].masked
    assert rows["pathway_alert_answer_median_hours"].value is None
    # Not about patients: a count of meetings is shown as is.
    assert rows["rcp_meetings_held"].display == "2"
    exact = {r.code: r for r in present(indicators_compute(Q1, now=NOW), mask=False)}
    assert exact["pathway_tasks_on_time_pct"].display == "50,0 %"
    assert exact["pathway_alert_answer_median_hours"].display == "6,0 h"


def test_every_pathway_indicator_is_in_the_registry_group():
    assert {str(BY_CODE[code].group) for code in PATHWAYS_AND_MEETINGS} == {"Parcours et télé-RCP"}


# ---------------------------------------------------------------------------------------------
# API and pages
# ---------------------------------------------------------------------------------------------
def _by_code(payload):
    return {i["code"]: i for i in payload["indicators"]}


def test_api_gives_the_pathway_figures_to_managers(manager, api_client, pathways):
    api_client.force_authenticate(manager)

    response = api_client.get(API_URL, {"period": "2026-Q1"})

    assert response.status_code == 200
    indicators = _by_code(response.json())
    assert indicators["pathways_open"]["value"] == 3
    assert indicators["pathway_tasks_on_time_pct"]["value"] == 50.0
    assert indicators["pathway_tasks_on_time_pct"]["n"] == 4
    assert indicators["pathway_alert_answer_median_hours"]["value"] == 6.0
    assert indicators["rcp_cases_discussed"]["label"] == "Dossiers discutés en télé-RCP"


def test_api_gives_authority_counts_only_masked(authority, api_client, pathways):
    api_client.force_authenticate(authority)

    indicators = _by_code(api_client.get(API_URL, {"period": "2026-Q1"}).json())

    opened = indicators["pathways_opened"]
    assert (opened["value"], opened["masked"], opened["display"]) == (None, True, "< 10")
    assert indicators["rcp_meetings_held"]["value"] == 2
    for pathway in pathways.values():
        assert str(pathway.public_id) not in str(indicators)


def test_dashboard_shows_the_pathway_group(manager, client_for, pathways):

    html = client_for(manager).get("/projet-sante/indicateurs/", {"periode": "2026-Q1"})

    text = html.content.decode()
    assert "Parcours et télé-RCP" in text
    assert "Délai médian de réponse du médecin à une alerte" in text
    assert "6,0 h" in text


# ---------------------------------------------------------------------------------------------
# The quarterly report
# ---------------------------------------------------------------------------------------------
def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_quarterly_report_has_the_pathways_chapter(pathways, settings):
    settings.ESS_SMALL_COUNT_THRESHOLD = 3

    text = pdf_text(render_quarterly_report("2026-Q1"))

    assert "5. Parcours et télé-RCP" in text
    assert "Parcours en cours en fin de période 3" in text
    assert "Part des tâches déléguées faites à l'échéance 50,0 % 4" in text
    assert "Délai médian de réponse du médecin à une alerte 6,0 h 3" in text
    assert "Télé-RCP tenues 2" in text
    # Two cases: below the threshold of 3, masked.
    assert "Dossiers discutés en télé-RCP < 3" in text
    assert "Membres de l'équipe" in text and "9. Définitions des indicateurs" in text
    for pathway in pathways.values():
        assert pathway.patient.display_name not in text
