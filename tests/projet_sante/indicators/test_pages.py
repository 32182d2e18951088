"""Dashboard, CSV, targets, API: who may see what, masking for ARS/CPAM, the figures shown."""

from datetime import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from projet_sante.indicators.models import IndicatorSnapshot, IndicatorTarget
from projet_sante.indicators.periods import quarter_period
from projet_sante.indicators.services import indicator_snapshot_take, indicator_target_set
from tests.factories import ReferralFactory
from tests.menu import menu_labels
from tests.projet_sante.indicators.data import PARIS, T0, build_network, build_quarter

pytestmark = pytest.mark.django_db
URL = reverse("projet_sante:indicators")
CSV_URL = reverse("projet_sante:indicators_csv")
API_URL = "/api/v1/indicators/"


@pytest.fixture
def quarter(db):
    build_network()
    return build_quarter()


@pytest.mark.parametrize("persona", ["requester", "specialist", "coordinator", "paramedic"])
@pytest.mark.parametrize("url", [URL, CSV_URL, reverse("projet_sante:indicator_targets")])
def test_other_roles_are_refused(persona, url, client_for, request):
    response = client_for(request.getfixturevalue(persona)).get(url)
    assert response.status_code == 403


@pytest.mark.parametrize("url", [URL, CSV_URL])
def test_anonymous_is_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_authority_cannot_edit_targets(authority, client_for):
    assert client_for(authority).get(reverse("projet_sante:indicator_targets")).status_code == 403


def test_manager_sees_exact_figures(manager, client_for, quarter, django_assert_max_num_queries):
    client = client_for(manager)
    with django_assert_max_num_queries(31):
        response = client.get(URL, {"periode": "2026-Q1"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "1er trimestre 2026" in html
    assert "66,7 %" in html  # P2 within due time
    assert "3,5 h" in html  # median time to triage
    assert 'role="img"' in html and "<title>Répartition des modes de réponse</title>" in html
    assert "&lt; 10" not in html


def test_authority_sees_small_counts_masked_and_never_a_patient(authority, client_for, quarter):
    html = client_for(authority).get(URL, {"periode": "2026-Q1"}).content.decode()
    assert "&lt; 10" in html
    assert "66,7 %" not in html and "3,5 h" not in html
    for referral in quarter.values():
        assert referral.reference not in html
        assert referral.patient.display_name not in html
    # Members and partners are not patient data: shown exactly.
    assert "Membres actifs" in html


def test_masking_follows_the_threshold_setting(authority, client_for, quarter, settings):
    settings.ESS_SMALL_COUNT_THRESHOLD = 3
    html = client_for(authority).get(URL, {"periode": "2026-Q1"}).content.decode()
    assert "66,7 %" in html  # P2 rate rests on 3 cases: shown at threshold 3
    assert "50,0 %" not in html  # P1 rate on 2 cases: still masked
    assert "&lt; 3" in html


def test_filters_and_bad_period_on_the_page(manager, client_for, quarter):
    client = client_for(manager)
    response = client.get(URL, {"periode": "2026-Q1", "specialite": "dermatologie"})
    assert response.context["by_code"]["requests_received"].value == 1
    response = client.get(URL, {"periode": "2026-Q9"})
    assert response.status_code == 200
    assert "non reconnue" in response.content.decode()
    response = client.get(URL, {"periode": "personnalisee", "du": "2026-02-02", "au": "2026-02-02"})
    assert response.context["by_code"]["requests_received"].value == 7


def test_csv_has_bom_semicolons_and_decimal_comma(manager, client_for, quarter):
    response = client_for(manager).get(CSV_URL, {"periode": "2026-Q1"})
    assert response.status_code == 200
    body = response.getvalue().decode("utf-8")
    assert body.startswith("\ufeff")
    lines = body.splitlines()
    assert lines[0] == "\ufeffPériode;1er trimestre 2026"
    assert "p2_within_due_pct;P2 traitées dans le délai;;66,7;%;3;;;" in lines
    assert "triage_median_hours;Délai médian envoi → régulation;;3,5;h;6;;;" in lines
    assert "response_modes;Modes de réponse;Téléconsultation assistée;3;;;;;" in lines


def test_csv_is_masked_for_authority(authority, client_for, quarter):
    body = client_for(authority).get(CSV_URL, {"periode": "2026-Q1"}).getvalue().decode()
    lines = body.splitlines()
    assert lines[4].endswith(";Objectif atteint;Donnée")
    # The rate's cell stays empty and a column of its own says why: "< 10" under "%" would
    # read as "under 10 %".
    assert "p2_within_due_pct;P2 traitées dans le délai;;;%;;;;masqué : moins de 10 cas" in lines
    assert "< 10" not in body
    assert "66,7" not in body


def test_csv_bad_period_is_a_400_in_french(manager, client_for):
    response = client_for(manager).get(CSV_URL, {"periode": "demain"})
    assert response.status_code == 400
    assert "non reconnue" in response.content.decode()


def test_targets_shown_against_actuals(manager, client_for, quarter):
    indicator_target_set(code="p2_within_due_pct", value=Decimal(80), comparison="gte", by=manager)
    indicator_target_set(code="triage_median_hours", value=Decimal(4), comparison="lte", by=manager)
    response = client_for(manager).get(URL, {"periode": "2026-Q1"})
    rows = response.context["by_code"]
    assert rows["p2_within_due_pct"].target_met is False  # 66,7 < 80
    assert rows["triage_median_hours"].target_met is True  # 3,5 ≤ 4
    assert "non atteint" in response.content.decode()
    body = client_for(manager).get(CSV_URL, {"periode": "2026-Q1"}).getvalue().decode()
    assert "p2_within_due_pct;P2 traitées dans le délai;;66,7;%;3;≥ 80;non" in body


def test_manager_edits_targets_from_the_page(manager, client_for):
    client = client_for(manager)
    url = reverse("projet_sante:indicator_targets")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "p2_within_due_pct-value": "80",
            "p2_within_due_pct-comparison": "gte",
            "p2_within_due_pct-note": "Projet de santé, axe 1",
            "response_median_hours-value": "24,5",
            "response_median_hours-comparison": "lte",
        },
    )
    assert response.status_code == 302
    target = IndicatorTarget.objects.get(code="p2_within_due_pct")
    assert (target.value, target.comparison, target.note) == (80, "gte", "Projet de santé, axe 1")
    assert IndicatorTarget.objects.get(code="response_median_hours").value == Decimal("24.5")
    # Emptying a value removes the target.
    client.post(url, {"p2_within_due_pct-value": ""})
    assert not IndicatorTarget.objects.filter(code="p2_within_due_pct").exists()


def test_bad_targets_are_refused_with_a_french_message(manager, client_for):
    response = client_for(manager).post(
        reverse("projet_sante:indicator_targets"),
        {
            "p2_within_due_pct-value": "120",
            "p2_within_due_pct-comparison": "gte",
            "triage_median_hours-value": "vite",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Un pourcentage est compris entre 0 et 100." in html
    assert "Saisissez un nombre" in html
    assert not IndicatorTarget.objects.filter(code="p2_within_due_pct").exists()


def test_a_target_too_large_to_store_is_refused_beside_it(manager, client_for):
    response = client_for(manager).post(
        reverse("projet_sante:indicator_targets"),
        {"partners-value": "99999999999999", "partners-comparison": "gte"},
    )
    assert response.status_code == 400
    assert "Cette valeur est trop élevée." in response.content.decode()
    assert not IndicatorTarget.objects.filter(code="partners").exists()


# ---------------------------------------------------------------------------------------------
# Snapshots
# ---------------------------------------------------------------------------------------------
def test_past_quarter_reads_its_snapshot_and_never_changes(manager, client_for, quarter):
    snapshot = indicator_snapshot_take(period=quarter_period(2026, 1))
    assert snapshot.values["requests_received"]["value"] == 7
    # Data changes after the fact: a late referral back-dated into Q1, an answer recorded.
    ReferralFactory(submitted_at=T0)
    quarter["r4"].answered_at = datetime(2026, 2, 3, tzinfo=PARIS)
    quarter["r4"].save()
    response = client_for(manager).get(URL, {"periode": "2026-Q1"})
    assert response.context["figures"].from_snapshot
    assert response.context["by_code"]["requests_received"].value == 7
    assert response.context["by_code"]["p2_within_due_pct"].value == 66.7
    assert "figés" in response.content.decode()
    # A custom period over the same days is computed live and sees the change.
    response = client_for(manager).get(
        URL, {"periode": "personnalisee", "du": "2026-01-01", "au": "2026-03-31"}
    )
    assert response.context["by_code"]["requests_received"].value == 8


def test_snapshot_is_idempotent(quarter):
    first = indicator_snapshot_take(period=quarter_period(2026, 1))
    ReferralFactory(submitted_at=T0)
    again = indicator_snapshot_take(period=quarter_period(2026, 1))
    assert again.pk == first.pk
    assert again.values["requests_received"]["value"] == 7
    assert IndicatorSnapshot.objects.count() == 1


def test_beat_task_snapshots_the_quarter_just_ended(db, time_machine):
    from projet_sante.indicators.tasks import snapshot_quarterly_indicators

    time_machine.move_to(datetime(2026, 4, 1, 6, 15, tzinfo=PARIS))
    ReferralFactory(submitted_at=T0)
    snapshot_quarterly_indicators.delay()
    snapshot_quarterly_indicators.delay()
    snapshot = IndicatorSnapshot.objects.get()
    assert (snapshot.period_key, snapshot.filters_key) == ("2026-Q1", "")
    assert snapshot.values["requests_received"]["value"] == 1


def test_current_quarter_cannot_be_frozen(db):
    from django.core.exceptions import ValidationError

    from projet_sante.indicators.periods import current_quarter

    with pytest.raises(ValidationError):
        indicator_snapshot_take(period=current_quarter())


def test_beat_schedule_declares_the_snapshot(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "projet_sante.tasks.snapshot_quarterly_indicators" in tasks


# ---------------------------------------------------------------------------------------------
# API
# ---------------------------------------------------------------------------------------------
def _by_code(payload):
    return {i["code"]: i for i in payload["indicators"]}


def test_api_gives_managers_exact_figures(manager, api_client, quarter):
    api_client.force_authenticate(manager)
    response = api_client.get(API_URL, {"period": "2026-Q1"})
    assert response.status_code == 200
    data = response.json()
    assert data["period"] == "2026-Q1" and data["masked_below"] is None
    indicators = _by_code(data)
    assert indicators["p2_within_due_pct"]["value"] == 66.7
    assert indicators["p2_within_due_pct"]["n"] == 3
    assert indicators["response_p90_hours"]["value"] == 37.0
    assert indicators["response_modes"]["value"]["Téléconsultation assistée"] == 3


def test_api_masks_for_authority(authority, api_client, quarter):
    api_client.force_authenticate(authority)
    data = api_client.get(API_URL, {"period": "2026-Q1"}).json()
    assert data["masked_below"] == 10
    p2 = _by_code(data)["p2_within_due_pct"]
    assert (p2["value"], p2["masked"], p2["display"], p2["n"]) == (None, True, "< 10", None)
    assert _by_code(data)["active_members"]["value"] == 3


def test_api_filters(manager, api_client, quarter):
    api_client.force_authenticate(manager)
    data = api_client.get(API_URL, {"period": "2026-Q1", "departement": "2A"}).json()
    assert _by_code(data)["requests_received"]["value"] == 1
    assert data["filters"] == {"departement": "2A"}


@pytest.mark.parametrize(
    ("params", "message"),
    [({"period": "2026-Q7"}, "non reconnue"), ({"specialty": "astrologie"}, "Spécialité")],
)
def test_api_bad_input_is_a_400_in_french(manager, api_client, params, message):
    api_client.force_authenticate(manager)
    response = api_client.get(API_URL, params)
    assert response.status_code == 400
    assert message in response.json()["detail"]


@pytest.mark.parametrize("persona", ["requester", "specialist", "coordinator"])
def test_api_refuses_other_roles(persona, api_client, request):
    api_client.force_authenticate(request.getfixturevalue(persona))
    assert api_client.get(API_URL).status_code == 403


def test_api_refuses_anonymous(api_client, db):
    assert api_client.get(API_URL).status_code in (401, 403)


def test_api_is_in_the_openapi_schema(manager, client_for):
    schema = client_for(manager).get("/api/schema/").content.decode()
    assert "/api/v1/indicators/" in schema


def test_navigation_shows_indicators_to_managers_and_authority(manager, authority, requester):
    assert "Indicateurs" in menu_labels(manager)
    assert "Indicateurs" in menu_labels(authority)
    assert "Indicateurs" not in menu_labels(requester)


def test_the_quarterly_report_form_proposes_the_last_closed_quarter(authority, client_for):
    from projet_sante.indicators.periods import current_quarter, previous_quarter

    html = client_for(authority).get(URL).content.decode()  # the quarter in progress by default

    form = html[html.index(reverse("projet_sante:report_quarterly")) :]
    form = form[: form.index("</form>")]
    assert f'<option value="{previous_quarter().key}" selected>' in form
    assert f'<option value="{current_quarter().key}">' in form  # still offered, not proposed


def test_the_quarterly_report_form_follows_a_closed_quarter_being_looked_at(authority, client_for):
    from projet_sante.indicators.periods import previous_quarter

    older = previous_quarter().previous_quarters(3)[0]

    html = client_for(authority).get(URL, {"periode": older.key}).content.decode()

    form = html[html.index(reverse("projet_sante:report_quarterly")) :]
    assert f'<option value="{older.key}" selected>' in form[: form.index("</form>")]
