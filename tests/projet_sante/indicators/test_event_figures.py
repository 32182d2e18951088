"""Trainings, campaigns, ETP and residents in the indicators: the figures of a hand-built quarter
(data.py, `build_events`), one statement whatever the data, ETP patients and screenings masked
for ARS/CPAM, the API, the dashboard and the quarterly report's chapter."""

import io
from datetime import date, datetime

import pytest
from pypdf import PdfReader

from projet_sante.indicators.compute import indicators_compute
from projet_sante.indicators.display import present
from projet_sante.indicators.event_figures import event_figures
from projet_sante.indicators.models import IndicatorTarget
from projet_sante.indicators.periods import Filters, quarter_period
from projet_sante.indicators.registry import BY_CODE, EVENTS_AND_TRAINING
from projet_sante.indicators.reports import render_quarterly_report
from tests.factories import (
    CampaignActionFactory,
    EtpSessionFactory,
    RegistrationFactory,
    TrainingFactory,
)
from tests.projet_sante.indicators.data import PARIS, at, build_events

pytestmark = pytest.mark.django_db
Q1 = quarter_period(2026, 1)
Q2 = quarter_period(2026, 2)
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=PARIS)
API_URL = "/api/v1/indicators/"


@pytest.fixture
def events(db):
    return build_events()


def values_of(period=Q1, filters=None):
    return {code: v["value"] for code, v in indicators_compute(period, filters, now=NOW).items()}


def test_trainings_held_professionals_trained_and_hours(events):
    values = values_of()

    # T1 and T2 (23:30 on 31 March, Paris); T3 is April's, T4 never held, T5 cancelled.
    assert values["trainings_held"] == 2
    # a (at both), b, f: present; c absent, d not ticked, e cancelled.
    assert values["professionals_trained"] == 3
    assert values["training_hours"] == 5.5
    assert values["trainee_hours"] == 11.0
    assert values_of(Q2)["trainings_held"] == 1


def test_campaigns_active_and_what_their_actions_of_the_period_achieved(events):
    values = values_of()

    assert values["campaigns_active"] == 2  # C1, and C2 until 5 January
    assert values["campaign_people_reached"] == 150  # 120 + 30; December's and April's left out
    assert values["campaign_screenings"] == 49
    assert values["campaign_referrals"] == 7
    q2 = values_of(Q2)
    assert (q2["campaigns_active"], q2["campaign_people_reached"]) == (2, 50)


def test_etp_sessions_patients_and_residents_hosted(events):
    values = values_of()

    assert (values["etp_sessions_held"], values["etp_patients"]) == (2, 12)
    assert values["residents_hosted"] == 1
    assert values_of(Q2)["residents_hosted"] == 2


def test_the_specialty_filter_reaches_trainings_campaigns_and_etp(events):
    values = values_of(filters=Filters(specialty="cardiologie"))

    assert values["trainings_held"] == 1  # T2 has no specialty
    assert values["professionals_trained"] == 2
    assert values["campaigns_active"] == 1
    assert values["campaign_people_reached"] == 120
    assert values["etp_patients"] == 12


def test_an_empty_period_gives_zeros(db):
    values = values_of()

    assert {values[code] for code in EVENTS_AND_TRAINING} == {0}
    assert values["training_hours"] == 0.0


def test_one_statement_whatever_the_data(events, django_assert_num_queries):
    with django_assert_num_queries(1):
        event_figures(Q1, Filters(), NOW)
    for _i in range(5):
        training = TrainingFactory(held=True, starts_at=at(date(2026, 2, 3), 19))
        RegistrationFactory(training=training, attended=True)
        CampaignActionFactory(held_on=date(2026, 2, 3))
        EtpSessionFactory(held_on=date(2026, 2, 3))
    with django_assert_num_queries(1):
        event_figures(Q1, Filters(specialty="cardiologie"), NOW)


def test_the_whole_registry_stays_a_constant_number_of_queries(
    events, django_assert_max_num_queries
):
    with django_assert_max_num_queries(13) as few:
        indicators_compute(Q1, now=NOW)
    build_events()
    with django_assert_max_num_queries(len(few.captured_queries)):
        indicators_compute(Q1, now=NOW)


def test_authority_sees_etp_patients_and_screenings_masked_below_the_threshold(events, settings):
    settings.ESS_SMALL_COUNT_THRESHOLD = 15
    figures = indicators_compute(Q1, now=NOW)

    rows = {r.code: r for r in present(figures, mask=True)}

    assert rows["etp_patients"].display == "< 15"  # 12 patients
    assert rows["etp_patients"].value is None
    assert rows["campaign_referrals"].display == "< 15"  # 7 people referred
    # Not about patients: shown as they are.
    assert rows["etp_sessions_held"].display == "2"
    assert rows["professionals_trained"].display == "3"
    assert rows["training_hours"].display == "5,5 h"
    assert rows["campaign_screenings"].display == "49"
    exact = {r.code: r for r in present(figures, mask=False)}
    assert exact["etp_patients"].display == "12"


def test_a_target_set_on_a_training_figure_is_met_or_not(events):
    IndicatorTarget.objects.create(code="professionals_trained", value=50)
    IndicatorTarget.objects.create(code="trainings_held", value=2)

    targets = {t.code: t for t in IndicatorTarget.objects.all()}
    rows = {r.code: r for r in present(indicators_compute(Q1, now=NOW), mask=True, targets=targets)}

    assert rows["professionals_trained"].target_met is False
    assert rows["trainings_held"].target_met is True


def test_every_event_indicator_has_a_definition_in_the_registry_group():
    for code in EVENTS_AND_TRAINING:
        indicator = BY_CODE[code]
        assert str(indicator.group) == "Formation, prévention et éducation thérapeutique"
        assert str(indicator.description)
    assert [BY_CODE[c].patient_data for c in EVENTS_AND_TRAINING].count(True) == 3


# ---------------------------------------------------------------------------------------------
# API and pages
# ---------------------------------------------------------------------------------------------
def _by_code(payload):
    return {i["code"]: i for i in payload["indicators"]}


def test_api_gives_the_new_figures_to_managers(manager, api_client, events):
    api_client.force_authenticate(manager)

    response = api_client.get(API_URL, {"period": "2026-Q1"})

    assert response.status_code == 200
    indicators = _by_code(response.json())
    assert indicators["trainings_held"]["value"] == 2
    assert indicators["professionals_trained"]["label"] == "Professionnels formés"
    assert indicators["trainee_hours"]["value"] == 11.0
    assert indicators["campaign_people_reached"]["value"] == 150
    assert indicators["etp_patients"]["value"] == 12
    assert indicators["residents_hosted"]["value"] == 1


def test_api_masks_small_etp_patient_counts_for_authority(authority, api_client, events, settings):
    settings.ESS_SMALL_COUNT_THRESHOLD = 15
    api_client.force_authenticate(authority)

    indicators = _by_code(api_client.get(API_URL, {"period": "2026-Q1"}).json())

    patients = indicators["etp_patients"]
    assert (patients["value"], patients["masked"], patients["display"]) == (None, True, "< 15")
    assert indicators["etp_sessions_held"]["value"] == 2
    assert "a@exemple.fr" not in str(indicators)


def test_dashboard_shows_the_training_group(manager, client_for, events):
    response = client_for(manager).get("/projet-sante/indicateurs/", {"periode": "2026-Q1"})

    text = response.content.decode()
    assert "Formation, prévention et éducation thérapeutique" in text
    assert "Heures-stagiaires" in text
    assert "11,0 h" in text


# ---------------------------------------------------------------------------------------------
# The quarterly report
# ---------------------------------------------------------------------------------------------
def pdf_text(data: bytes) -> str:
    """The PDF's text, each run of spaces and line breaks made one space."""
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split())


def test_quarterly_report_has_the_training_prevention_and_etp_chapter(events, settings):
    settings.ESS_SMALL_COUNT_THRESHOLD = 10

    text = pdf_text(render_quarterly_report("2026-Q1"))

    assert "6. Formation, prévention et éducation thérapeutique" in text
    assert "Formations tenues 2" in text
    assert "Professionnels formés 3" in text
    assert "Heures-stagiaires 11,0 h" in text
    assert "Séances d'éducation thérapeutique 2" in text
    assert "Patients en séance d'ETP 12" in text
    # The trainings held and the campaigns of the quarter, with their counts.
    assert "Insuffisance cardiaque en ville (Soirée de formation) 10/02/2026 2,0 h 2" in text
    assert "Webinaire dermatoscopie (Webinaire) 31/03/2026 3,5 h 2" in text
    # Mois sans tabac in Q1: 30 reached; 4 screenings and 1 referral are masked.
    assert "Mois sans tabac (Prévention ; 1 action ce trimestre)" in text
    assert "au 05/01/2026 30 < 10 < 10" in text
    assert "Dépistage de l'hypertension au marché" in text
    assert "au 30/06/2026 120 45 < 10" in text


def test_quarterly_report_masks_a_small_etp_patient_count(db, settings):
    settings.ESS_SMALL_COUNT_THRESHOLD = 10
    EtpSessionFactory(held_on=date(2026, 2, 5), patients_count=3)

    text = pdf_text(render_quarterly_report("2026-Q1"))

    assert "Patients en séance d'ETP < 10" in text
    assert "Séances d'éducation thérapeutique 1" in text
    assert "Aucune formation tenue pendant la période." in text
