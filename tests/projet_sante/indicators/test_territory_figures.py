"""Representativeness (liberal members against the territory's specialists, with target lines, a
history per quarter and a projection), specialist density per département and the communes
reached by requests: figures, pages and both PDFs."""

from datetime import date, datetime

import pytest
from django.db.models import Sum

from bench.indicators_reference import product_figures, raw_sql_figures
from ess.models import Commune, Departement, Team
from members.models import SpecialtyHeadcount
from projet_sante.indicators.compute import indicators_compute
from projet_sante.indicators.periods import Filters, quarter_period
from projet_sante.indicators.reports import render_quarterly_report
from projet_sante.indicators.territory_figures import (
    density_by_departement,
    projection,
    representativeness_history,
    representativeness_targets,
    target_on,
    territory_context,
    territory_figures,
)
from tests.factories import MembershipFactory, ReferralFactory, cardiology
from tests.projet_sante.indicators.data import PARIS
from tests.projet_sante.indicators.test_event_figures import pdf_text

pytestmark = pytest.mark.django_db
Q1 = quarter_period(2026, 1)
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=PARIS)


def joined(day: date, **kwargs):
    return MembershipFactory(
        active=True, joined_at=datetime(day.year, day.month, day.day, 10, tzinfo=PARIS), **kwargs
    )


@pytest.fixture
def labelled_ess(territory):
    team, _ = Team.objects.get_or_create(
        pk=1, defaults={"name": "ESS Cardio 45", "short_name": "ESS 45"}
    )
    team.labelled_on = date(2025, 1, 15)
    team.save()
    team.departements.add(Departement.objects.get(code="45"))
    SpecialtyHeadcount.objects.create(specialty=cardiology(), territory_count=20)
    return team


def test_only_liberal_members_count_against_the_territory(labelled_ess):
    joined(date(2025, 6, 1))
    joined(date(2025, 6, 1))
    joined(date(2025, 6, 1), practice_mode="mixte")  # mixed practice: not counted
    left = joined(date(2025, 6, 1))
    left.status, left.ended_at = "left", datetime(2026, 2, 1, tzinfo=PARIS)
    left.save()

    values = indicators_compute(Q1, now=NOW)

    assert values["liberal_members"]["value"] == 2
    assert values["representativeness_pct"] == {"value": 10.0, "n": 20, "count": 2}


def test_targets_come_from_the_settings_and_the_labelling_date(labelled_ess, settings):
    targets = representativeness_targets(date(2025, 1, 15))
    assert [(t.percent, t.starts_on) for t in targets] == [
        (10.0, date(2025, 1, 15)),
        (50.0, date(2028, 1, 15)),
    ]
    assert target_on(targets, date(2027, 12, 31)).percent == 10.0
    assert target_on(targets, date(2028, 1, 15)).percent == 50.0

    settings.ESS_REPRESENTATIVENESS_TARGETS = [(0, 15.0), (2, 40.0)]
    targets = representativeness_targets(date(2025, 1, 15))
    assert target_on(targets, date(2027, 2, 1)).percent == 40.0
    # Without a labelling date the first target applies.
    assert target_on(representativeness_targets(None), date(2030, 1, 1)).percent == 15.0


def test_history_per_quarter_from_membership_dates(labelled_ess, django_assert_num_queries):
    joined(date(2025, 5, 2))
    joined(date(2025, 8, 2))
    joined(date(2025, 8, 3), practice_mode="mixte")
    joined(date(2026, 1, 10))

    with django_assert_num_queries(2):
        history = representativeness_history(Q1, Filters(), quarters=4)

    assert [(p.key, v) for p, v in history] == [
        ("2025-Q2", 5.0),
        ("2025-Q3", 10.0),
        ("2025-Q4", 10.0),
        ("2026-Q1", 15.0),
    ]


def test_projection_in_the_three_cases(labelled_ess):
    targets = representativeness_targets(date(2025, 1, 15))
    quarters = Q1.previous_quarters(4)

    met = projection(list(zip(quarters, [20.0, 30.0, 40.0, 55.0], strict=True)), targets)
    assert met["text"] == "Objectif atteint (50 %)."

    rising = projection(list(zip(quarters, [5.0, 10.0, 15.0, 20.0], strict=True)), targets)
    # 10 % met; 50 % at 5 points a quarter: 6 quarters after 2026 T1.
    assert rising["text"] == "Objectif de 50 % : au rythme actuel, objectif atteint vers 2027 T3."

    flat = projection(list(zip(quarters, [5.0, 5.0, 5.0, 5.0], strict=True)), targets)
    assert flat["text"] == (
        "Objectif de 10 % : pas de progression, objectif non atteignable au rythme actuel."
    )


def test_density_per_departement_counts_members_practice_sites(labelled_ess):
    joined(date(2025, 6, 1), sites=["45234"])
    joined(date(2025, 6, 1), sites=["45234", "45208"])  # two sites, one member
    joined(date(2025, 6, 1), practice_mode="mixte", sites=["45208"])

    rows = density_by_departement(Q1, Filters())

    population = Commune.objects.filter(departement="45").aggregate(n=Sum("population"))["n"]
    assert [(r["code"], r["members"], r["population"]) for r in rows] == [("45", 3, population)]
    assert rows[0]["density"] == round(100_000 * 3 / population, 1)


def test_communes_reached_by_requests_and_their_share(labelled_ess):
    communes = Commune.objects.filter(departement="45").count()
    for commune in ("45234", "45234", "45208"):
        ReferralFactory(
            patient__commune_id=commune, submitted_at=datetime(2026, 2, 3, 10, tzinfo=PARIS)
        )
    ReferralFactory(patient__commune_id="45203", submitted_at=datetime(2026, 4, 3, tzinfo=PARIS))

    values = territory_figures(Q1, Filters(), NOW)

    assert values["communes_reached"]["value"] == 2
    assert values["communes_reached_pct"]["value"] == round(100 * 2 / communes, 1)


def test_constant_number_of_queries(labelled_ess, django_assert_num_queries):
    joined(date(2025, 6, 1))
    with django_assert_num_queries(1):
        territory_figures(Q1, Filters(), NOW)
    # The team, per specialty (2), the history (1), the density (2).
    with django_assert_num_queries(6):
        context = territory_context(Q1, Filters(), {})
    for _i in range(5):
        joined(date(2025, 9, 1), sites=["45208"])
        ReferralFactory(submitted_at=datetime(2026, 2, 3, 10, tzinfo=PARIS))
    with django_assert_num_queries(1):
        territory_figures(Q1, Filters(), NOW)
    with django_assert_num_queries(6):
        context = territory_context(Q1, Filters(), {})
    assert context["by_specialty"][0]["liberal"] == 6


def test_dashboard_shows_the_target_line_history_and_projection(labelled_ess, client_for, manager):
    joined(date(2025, 6, 1))
    joined(date(2025, 6, 1), practice_mode="mixte")

    text = client_for(manager).get("/projet-sante/indicateurs/", {"periode": "2026-Q1"})
    text = text.content.decode()

    assert "Représentativité et territoire" in text
    assert "Objectif 10 %" in text  # the target line's label in the chart
    assert "2025 T2" in text  # the history's quarters
    assert "au rythme actuel, objectif atteint vers" in text
    assert "Membres libéraux" in text


def test_authority_sees_the_aggregates(labelled_ess, client_for, authority):
    joined(date(2025, 6, 1))

    text = client_for(authority).get("/projet-sante/indicateurs/", {"periode": "2026-Q1"})
    text = text.content.decode()

    assert "Représentativité" in text and "5,0 %" in text


def test_quarterly_report_has_representativeness_with_its_target(labelled_ess, settings):
    joined(date(2025, 6, 1))
    joined(date(2025, 6, 1))
    joined(date(2025, 6, 1), practice_mode="mixte")

    text = pdf_text(render_quarterly_report("2026-Q1"))

    assert "Représentativité et territoire" in text
    assert "Représentativité : 10,0 % (2 membres en exercice libéral)" in text
    assert "Objectif applicable : 10 %" in text
    assert "10 % dès la labellisation ; 50 % à partir du 15 janvier 2028" in text
    # Per specialty: 2 liberal members, 3 members, 20 specialists on the territory.
    assert "vasculaires 2 3 20 10,0 %" in text
    # 0 % until 2025 T1, then 10 %: the trend reaches 50 % years later.
    assert "Objectif de 50 % : au rythme actuel, objectif atteint vers 2031 T2." in text
    assert "Loiret (45)" in text


def test_raw_sql_reference_gives_the_same_territory_figures(labelled_ess):
    joined(date(2025, 6, 1))
    joined(date(2025, 6, 1), practice_mode="mixte")
    for commune in ("45234", "45208"):
        ReferralFactory(
            patient__commune_id=commune, submitted_at=datetime(2026, 2, 3, 10, tzinfo=PARIS)
        )

    product = product_figures(Q1, now=NOW)

    assert raw_sql_figures(Q1, now=NOW) == product
    assert product["liberal_members"]["value"] == 1
    assert product["communes_reached"]["value"] == 2
