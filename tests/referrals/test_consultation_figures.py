"""advanced_consultation_figures: sessions held, patients seen, communes served, in one query."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from referrals.booking import advanced_consultation_figures
from scheduling.models import Appointment
from tests.factories import (
    ConsultationSessionFactory,
    ConsultationSiteFactory,
    ReferralFactory,
    UserFactory,
)


def held(site, day, *, status="published"):
    start = timezone.make_aware(datetime.combine(day, datetime.min.time())) + timedelta(hours=9)
    return ConsultationSessionFactory(
        site=site,
        date=day,
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        status=status,
        capacity=6,
    )


def book(session, status, n=1):
    coordinator = UserFactory(coordinator=True)
    for i in range(n):
        referral = ReferralFactory(status=status, specialist=session.specialist)
        Appointment.objects.create(
            session=session,
            referral=referral,
            position=session.appointments.count(),
            starts_at=session.starts_at + timedelta(minutes=30 * i),
            booked_by=coordinator,
        )


@pytest.fixture
def dataset(cardiology):
    pithiviers = ConsultationSiteFactory(commune_id="45252")
    gien = ConsultationSiteFactory(commune_id="45155")
    ajaccio = ConsultationSiteFactory(commune_id="2A004")
    s1 = held(pithiviers, date(2026, 7, 7))
    book(s1, "completed", 3)
    book(s1, "cancelled", 1)  # booked then cancelled: not seen
    s2 = held(pithiviers, date(2026, 7, 14))
    book(s2, "scheduled", 2)
    s3 = held(gien, date(2026, 8, 4))
    book(s3, "completed", 1)
    held(ajaccio, date(2026, 9, 1))  # held, nobody booked
    held(gien, date(2026, 7, 21), status="cancelled")  # not held
    draft = held(gien, date(2026, 7, 28), status="draft")  # not held
    book(draft, "scheduled", 1)
    held(pithiviers, date(2026, 10, 6))  # outside the quarter
    future = ConsultationSessionFactory(site=gien)  # published, to come: not held yet
    book(future, "scheduled", 1)


def test_figures_of_a_quarter(dataset, django_assert_num_queries):
    with django_assert_num_queries(1):
        figures = advanced_consultation_figures(date(2026, 7, 1), date(2026, 9, 30))

    assert figures == {"sessions_held": 4, "patients_seen": 6, "communes_served": 3}


def test_figures_by_departement_and_commune(dataset):
    q3 = (date(2026, 7, 1), date(2026, 9, 30))
    assert advanced_consultation_figures(*q3, departement="45") == {
        "sessions_held": 3,
        "patients_seen": 6,
        "communes_served": 2,
    }
    assert advanced_consultation_figures(*q3, commune="45252") == {
        "sessions_held": 2,
        "patients_seen": 5,
        "communes_served": 1,
    }
    assert advanced_consultation_figures(*q3, specialty="dermatologie") == {
        "sessions_held": 0,
        "patients_seen": 0,
        "communes_served": 0,
    }


def test_the_indicators_and_the_quarterly_report_count_advanced_consultations(
    dataset, client_for, authority
):
    from projet_sante.indicators.compute import indicators_compute
    from projet_sante.indicators.display import present
    from projet_sante.indicators.periods import parse_period

    q3 = parse_period("2026-Q3")
    values = indicators_compute(q3)

    assert {code: values[code]["value"] for code in ADVANCED} == {
        "sessions_held": 4,
        "patients_seen": 6,
        "communes_served": 3,
    }
    shown = {row.code: row for row in present(values, mask=True)}
    # Six patients are below the threshold of 10: masked for ARS/CPAM; sessions are not patients.
    assert "< 10" in str(shown["patients_seen"].display)
    assert str(shown["sessions_held"].display) == "4"


ADVANCED = ("sessions_held", "patients_seen", "communes_served")


def test_figures_per_site_in_one_query(dataset, django_assert_num_queries):
    from referrals.booking import advanced_consultation_sites

    with django_assert_num_queries(1):
        sites = advanced_consultation_sites(date(2026, 7, 1), date(2026, 9, 30))
    rows = [(s["site__commune__name"], s["sessions_held"], s["patients_seen"]) for s in sites]
    assert rows[0] == ("Pithiviers", 2, 5)  # busiest first
    assert sorted(rows[1:]) == [("Ajaccio", 1, 0), ("Gien", 1, 1)]


def test_the_quarterly_report_lists_the_sites_with_patients_masked(dataset, settings):
    import io

    from pypdf import PdfReader

    from projet_sante.indicators.reports import render_quarterly_report

    text = "\n".join(
        page.extract_text()
        for page in PdfReader(io.BytesIO(render_quarterly_report("2026-Q3"))).pages
    )
    assert "Par site" in text
    assert "Pithiviers" in text and "Gien" in text and "Ajaccio" in text
    # 5 patients at Pithiviers, 1 at Gien: below the threshold of 10, masked for ARS/CPAM.
    assert "Séances de consultation avancée tenues 4" in text
    assert "Pithiviers 2 < 10" in text
    settings.ESS_SMALL_COUNT_THRESHOLD = 2
    text = "\n".join(
        page.extract_text()
        for page in PdfReader(io.BytesIO(render_quarterly_report("2026-Q3"))).pages
    )
    assert "Pithiviers 2 5" in text
