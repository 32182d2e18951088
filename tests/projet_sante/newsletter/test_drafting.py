"""The letter of the quarter just ended is drafted once, with figures computed by the database."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from projet_sante.newsletter import services
from projet_sante.newsletter.models import Newsletter
from projet_sante.newsletter.selectors import newsletter_figures, previous_quarter, quarter_bounds
from projet_sante.newsletter.tasks import draft_quarterly_newsletter
from tests.factories import ReferralFactory, UserFactory

PARIS = ZoneInfo("Europe/Paris")
# A quarter without trainings or campaigns.
NO_EVENTS = {
    "trainings_held": 0,
    "professionals_trained": 0,
    "training_hours": 0.0,
    "campaigns_active": 0,
    "campaign_people_reached": 0,
    "campaign_screenings": 0,
    "campaign_referrals": 0,
}


def paris(*args) -> datetime:
    return datetime(*args, tzinfo=PARIS)


def referral(submitted, due=None, answered=None):
    return ReferralFactory(submitted_at=submitted, due_at=due, answered_at=answered)


@pytest.fixture
def two_quarters(db):
    """Q1 2026: 5 received, 4 with a due time, 2 answered in time. Q2: 3, 3, 2."""
    # Q1
    referral(paris(2026, 1, 10, 9), paris(2026, 1, 12, 9), paris(2026, 1, 11, 9))  # in time
    referral(paris(2026, 2, 1, 9), paris(2026, 2, 3, 9), paris(2026, 2, 5, 9))  # late
    referral(paris(2026, 3, 15, 9))  # never triaged: no due time
    referral(paris(2026, 3, 20, 9), paris(2026, 3, 22, 9))  # not answered
    # 23:30 in Paris on 31 March is still Q1 (21:30 UTC)
    referral(paris(2026, 3, 31, 23, 30), paris(2026, 4, 2, 9), paris(2026, 4, 1, 9))
    # Q2: 00:30 in Paris on 1 April (22:30 UTC on 31 March) is Q2
    referral(paris(2026, 4, 1, 0, 30), paris(2026, 4, 3, 9), paris(2026, 4, 2, 9))
    referral(paris(2026, 5, 5, 9), paris(2026, 5, 7, 9), paris(2026, 5, 7, 9))  # at due: in time
    referral(paris(2026, 6, 1, 9), paris(2026, 6, 3, 9), paris(2026, 6, 4, 9))  # late
    # Members: active specialists and paramedics only, each person once.
    UserFactory(specialist=True)
    UserFactory(paramedic=True)
    UserFactory(roles=["specialist", "paramedic"])
    UserFactory(specialist=True, is_active=False)
    UserFactory(manager=True)
    UserFactory(coordinator=True)


def test_requests_withdrawn_or_reoriented_before_triage_have_no_due_time_to_meet(db):
    provisional = paris(2026, 3, 3, 9)  # every request is due from its arrival
    referral(paris(2026, 3, 1, 9), provisional, paris(2026, 3, 2, 9))  # answered in time
    ReferralFactory(submitted_at=paris(2026, 3, 1, 9), due_at=provisional, status="cancelled")
    ReferralFactory(submitted_at=paris(2026, 3, 1, 9), due_at=provisional, status="reoriented")

    figures = newsletter_figures(year=2026, quarter=1)

    assert (figures["requests_received"], figures["requests_with_due_time"]) == (3, 1)
    assert figures["answered_within_due_time_pct"] == 100.0


def test_figures_count_each_quarter_in_paris_time(two_quarters):
    from datetime import date

    from tests.factories import ConventionFactory

    # In force all Q1 but ended mid-Q2; in force from Q2; a draft never counts.
    ConventionFactory(
        status="expired",
        signed_on=date(2025, 5, 20),
        effective_on=date(2025, 6, 1),
        end_on=date(2026, 5, 15),
    )
    ConventionFactory(status="active", signed_on=date(2026, 4, 1), effective_on=date(2026, 4, 10))
    ConventionFactory(status="draft")
    assert newsletter_figures(year=2026, quarter=1) == {
        "requests_received": 5,
        "requests_with_due_time": 4,
        "answered_within_due_time": 2,
        "answered_within_due_time_pct": 50.0,
        "members": 3,
        "partners": 3,
        "conventions_in_force": 1,
        "advanced_sessions_held": 0,
        "advanced_communes_served": 0,
        **NO_EVENTS,
    }
    assert newsletter_figures(year=2026, quarter=2) == {
        "requests_received": 3,
        "requests_with_due_time": 3,
        "answered_within_due_time": 2,
        "answered_within_due_time_pct": 66.7,
        "members": 3,
        "partners": 3,
        "conventions_in_force": 1,
        "advanced_sessions_held": 0,
        "advanced_communes_served": 0,
        **NO_EVENTS,
    }


def test_a_quarter_without_due_times_has_no_share(db):
    assert newsletter_figures(year=2025, quarter=4)["answered_within_due_time_pct"] is None


def test_figures_are_a_few_aggregate_queries_whatever_the_data(
    two_quarters, django_assert_num_queries
):
    with django_assert_num_queries(6):
        newsletter_figures(year=2026, quarter=1)


def test_the_letter_counts_advanced_consultations_never_patients(db, territory):
    from datetime import date, timedelta

    from django.utils import timezone

    from ess.models import Specialty
    from projet_sante.newsletter.selectors import figure_rows
    from scheduling.models import Appointment
    from tests.factories import (
        ConsultationSessionFactory,
        ConsultationSiteFactory,
        ReferralFactory,
        UserFactory,
    )

    Specialty.objects.get_or_create(code="cardiologie", defaults={"label": "Cardiologie"})
    for commune, day in (("45252", date(2026, 2, 3)), ("45155", date(2026, 2, 10))):
        start = timezone.make_aware(datetime.combine(day, datetime.min.time())) + timedelta(hours=9)
        session = ConsultationSessionFactory(
            site=ConsultationSiteFactory(commune_id=commune),
            date=day,
            starts_at=start,
            ends_at=start + timedelta(hours=3),
            status="published",
        )
        Appointment.objects.create(
            session=session,
            referral=ReferralFactory(status="completed", specialist=session.specialist),
            position=0,
            starts_at=start,
            booked_by=UserFactory(coordinator=True),
        )
    figures = newsletter_figures(year=2026, quarter=1)
    assert (figures["advanced_sessions_held"], figures["advanced_communes_served"]) == (2, 2)
    rows = dict(figure_rows(figures))
    assert rows["Séances de consultation avancée"] == "2"
    assert rows["Communes desservies en consultation avancée"] == "2"
    assert not any("patient" in label.lower() for label in rows)


def test_quarter_boundaries_and_the_quarter_just_ended():
    assert quarter_bounds(2026, 4) == (paris(2026, 10, 1), paris(2027, 1, 1))
    assert previous_quarter(paris(2026, 1, 1, 0, 5)) == (2025, 4)
    assert previous_quarter(paris(2026, 7, 2, 6)) == (2026, 2)


def test_beat_drafts_the_letter_of_the_quarter_just_ended_once(two_quarters, time_machine):
    time_machine.move_to(paris(2026, 7, 1, 6), tick=False)

    first = draft_quarterly_newsletter.apply().get()
    second = draft_quarterly_newsletter.apply().get()
    time_machine.move_to(paris(2026, 7, 3, 6), tick=False)
    third = draft_quarterly_newsletter.apply().get()

    assert first == second == third
    letter = Newsletter.objects.get()
    assert (letter.year, letter.quarter, letter.status) == (2026, 2, "draft")
    assert letter.figures["requests_received"] == 3
    assert letter.figures["answered_within_due_time_pct"] == 66.7


def test_a_manager_refreshes_the_figures_of_a_draft(two_quarters, manager):
    letter = services.newsletter_draft(year=2026, quarter=2)
    referral(paris(2026, 6, 10, 9), paris(2026, 6, 12, 9), paris(2026, 6, 11, 9))

    services.newsletter_figures_refresh(newsletter_id=letter.pk, by=manager)

    letter.refresh_from_db()
    assert letter.figures["requests_received"] == 4
    assert letter.figures["answered_within_due_time"] == 3


def test_seed_demo_adds_a_sent_letter_and_a_draft_once(db, settings, territory):
    from django.core.management import call_command

    settings.ESS_DEMO = True

    call_command("seed_demo")
    call_command("seed_demo")

    assert list(Newsletter.objects.values_list("status", flat=True)) == ["draft", "sent"]
    sent = Newsletter.objects.get(status="sent")
    assert sent.recipients_total == sent.deliveries.filter(sent_at__isnull=False).count() > 0
