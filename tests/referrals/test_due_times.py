"""Clocks from the first minute: every way in gives a new request the due time of the urgency
asked for, triage recomputes it from submission, the escalation and the queue use it; each
priority's delay counted in calendar or opening hours, at fixed dates."""

import importlib
from datetime import date, datetime, time, timedelta
from html import unescape

import pytest
import time_machine
from django.apps import apps
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ess.models import Notification, OutboundEmail
from ess.models import NotificationKind as Kind
from referrals import services
from referrals.deadlines import due_times
from referrals.models import Referral, Status
from scheduling import services as scheduling
from scheduling.hours import PARIS
from tests.factories import DirectoryEntryFactory, ReferralFactory, UserFactory, opening_week
from tests.referrals.test_without_account import EMAIL, confirmation_path

OPENING_P3 = {"P1": "calendar", "P2": "calendar", "P3": "opening", "P4": "opening"}
DELAYS = {"P1": 24, "P2": 48, "P3": 12, "P4": 45}


def paris(*args) -> datetime:
    return datetime(*args, tzinfo=PARIS)


@pytest.fixture
def opening_hours(manager, cardiology):
    """Monday to Friday 08:30–12:30 and 13:30–18:30; closed 3–14 August 2026."""
    opening_week(manager, closure=(date(2026, 8, 3), date(2026, 8, 14), "Fermeture estivale"))


@pytest.fixture
def opening_rules(settings):
    settings.ESS_PRIORITY_DELAY_RULES = OPENING_P3
    settings.ESS_PRIORITY_DELAYS_HOURS = DELAYS


def text(response) -> str:
    return unescape(response.content.decode())


def triage(referral, *, by, priority: str, at: datetime) -> None:
    with time_machine.travel(at, tick=False):
        services.referral_triage(
            referral_id=referral.pk, by=by, priority=priority, response_mode="teleexpertise_async"
        )


def submit(client_for, requester, form_data, **changes) -> Referral:
    response = client_for(requester).post(reverse("referrals:create"), {**form_data, **changes})
    assert response.status_code == 302, text(response)
    return Referral.objects.latest("pk")


# ---------------------------------------------------------------------------------------------
# The rule, at fixed dates (the tables read through the cached opening calendar)
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("submitted", "priority", "due", "escalate"),
    [
        # P3 counted in opening hours (12 h): Friday 16:00 across the weekend and 14 July.
        ("2026-07-10 16:00", "P3", "2026-07-15 09:00", "2026-07-13 16:00"),
        # Across Ascension (Thursday 14 May 2026).
        ("2026-05-13 16:00", "P3", "2026-05-18 09:00", "2026-05-15 16:00"),
        # Across the summer closure.
        ("2026-07-31 16:00", "P3", "2026-08-18 09:00", "2026-08-17 16:00"),
        # P2 in calendar hours: the weekend and the holiday count.
        ("2026-07-10 16:00", "P2", "2026-07-12 16:00", "2026-07-12 04:00"),
        # P4 in opening hours (45 h = a week of opening) over 14 July.
        ("2026-07-10 16:00", "P4", "2026-07-20 16:00", "2026-07-17 13:45"),
    ],
)
def test_due_times_follow_each_priority_s_rule(
    opening_hours, opening_rules, submitted, priority, due, escalate
):
    start = timezone.make_aware(datetime.fromisoformat(submitted))

    due_at, escalate_at = due_times(start, priority)

    assert timezone.localtime(due_at).strftime("%Y-%m-%d %H:%M") == due
    assert timezone.localtime(escalate_at).strftime("%Y-%m-%d %H:%M") == escalate


def test_by_default_every_priority_counts_calendar_hours(opening_hours):
    start = paris(2026, 7, 10, 16, 0)
    assert due_times(start, "P3")[0] == paris(2026, 7, 17, 16, 0)
    assert due_times(start, "P1") == (paris(2026, 7, 11, 16, 0), paris(2026, 7, 11, 10, 0))


@pytest.mark.django_db(transaction=True)
def test_new_hours_count_from_the_next_due_time_on(manager, opening_rules, cardiology):
    """The cached calendar is forgotten when the change is committed."""
    start = paris(2026, 7, 10, 16, 0)
    assert due_times(start, "P3")[0] == paris(2026, 7, 11, 4, 0)  # no hours yet: calendar
    scheduling.opening_range_add(by=manager, weekday=0, opens_at=time(9, 0), closes_at=time(17, 0))
    assert due_times(start, "P3")[0] == paris(2026, 7, 20, 13, 0)  # Mondays only, 8 h each


# ---------------------------------------------------------------------------------------------
# Every way in
# ---------------------------------------------------------------------------------------------
def test_a_request_from_the_form_is_due_from_its_submission(client_for, requester, form_data):
    with time_machine.travel(paris(2026, 7, 10, 16, 0), tick=False):
        referral = submit(client_for, requester, form_data, urgency="P2")

    assert referral.status == Status.SUBMITTED and not referral.priority
    assert referral.due_at == paris(2026, 7, 12, 16, 0)
    assert referral.escalate_at == paris(2026, 7, 12, 4, 0)


def test_a_request_from_the_api_is_due_from_its_submission(api_client, requester, api_body):
    api_client.force_authenticate(requester)
    with time_machine.travel(paris(2026, 7, 10, 16, 0), tick=False):
        response = api_client.post(
            "/api/v1/referrals/", {**api_body, "urgency": "P1"}, format="json"
        )

    assert response.status_code == 201, response.content
    referral = Referral.objects.get(public_id=response.json()["id"])
    assert referral.due_at == paris(2026, 7, 11, 16, 0)
    assert response.json()["due_at"]


def test_a_request_recorded_by_phone_is_due_from_its_recording(coordinator, form_data):
    entry = DirectoryEntryFactory()
    data = services.ReferralInput(
        patient=services.PatientInput(
            ins="",
            birth_name="Durand",
            first_names="Jeanne",
            sex="F",
            birth_date=datetime(1969, 5, 12).date(),
            commune=None,
            phone="",
        ),
        specialty=Referral._meta.get_field("specialty").related_model.objects.get(
            code="cardiologie"
        ),
        question="Douleur thoracique atypique : avis ?",
        context="",
        urgency="P1",
        consent=True,
    )
    with time_machine.travel(paris(2026, 7, 10, 16, 0), tick=False):
        referral = services.referral_record_for_caller(
            by=coordinator,
            channel="phone",
            data=data,
            rpps=entry.identifier,
            email="dr.appel@exemple.fr",
        )

    assert referral.due_at == paris(2026, 7, 11, 16, 0)


def test_a_request_without_account_is_due_from_its_confirmation(form_data, coordinator):
    entry = DirectoryEntryFactory()
    data = {**form_data, "rpps": entry.identifier, "email": EMAIL, "sender_consent": "on"}
    with time_machine.travel(paris(2026, 7, 10, 9, 0), tick=False):
        Client().post(reverse("referrals:create_without_account"), data)
    with time_machine.travel(paris(2026, 7, 10, 16, 0), tick=False):
        Client().post(confirmation_path(OutboundEmail.objects.get(to=EMAIL)))

    referral = Referral.objects.get()
    assert referral.submitted_at == paris(2026, 7, 10, 16, 0)
    assert referral.due_at == paris(2026, 7, 12, 16, 0)  # P2 asked for


# ---------------------------------------------------------------------------------------------
# Triage and escalation
# ---------------------------------------------------------------------------------------------
def test_triage_recomputes_the_due_time_from_submission(
    client_for, requester, form_data, coordinator, opening_hours, opening_rules
):
    with time_machine.travel(paris(2026, 7, 10, 16, 0), tick=False):
        referral = submit(client_for, requester, form_data, urgency="P2")
    assert referral.due_at == paris(2026, 7, 12, 16, 0)

    triage(referral, by=coordinator, priority="P3", at=paris(2026, 7, 13, 9, 0))

    referral.refresh_from_db()
    assert referral.priority == "P3"
    assert referral.due_at == paris(2026, 7, 15, 9, 0)  # from Friday 16:00, opening hours
    assert referral.escalate_at == paris(2026, 7, 13, 16, 0)


def sla_notices(referral) -> list[tuple[str, int]]:
    return sorted(
        Notification.objects.filter(kind__in=[Kind.SLA_NEARING, Kind.SLA_OVERDUE])
        .filter(dedupe_key__endswith=f":{referral.pk}")
        .values_list("kind", "recipient_id")
    )


def test_new_requests_are_escalated_once_per_threshold_even_when_triage_keeps_the_due_time(
    client_for, requester, form_data, coordinator
):
    with time_machine.travel(paris(2026, 7, 10, 16, 0), tick=False):
        referral = submit(client_for, requester, form_data, urgency="P1")

    services.referrals_escalate(now=paris(2026, 7, 11, 10, 30))  # 75 % of 24 h
    services.referrals_escalate(now=paris(2026, 7, 11, 10, 40))  # the next run
    assert sla_notices(referral) == [(Kind.SLA_NEARING, coordinator.pk)]

    triage(
        referral, by=coordinator, priority="P1", at=paris(2026, 7, 11, 11, 0)
    )  # as asked: the same due time, the escalation kept
    referral.refresh_from_db()
    assert referral.escalation_level == 75
    services.referrals_escalate(now=paris(2026, 7, 11, 12, 0))
    assert sla_notices(referral) == [(Kind.SLA_NEARING, coordinator.pk)]

    services.referrals_escalate(now=paris(2026, 7, 11, 16, 10))  # past due
    services.referrals_escalate(now=paris(2026, 7, 11, 16, 20))
    assert sla_notices(referral) == [
        (Kind.SLA_NEARING, coordinator.pk),
        (Kind.SLA_OVERDUE, coordinator.pk),
    ]


def test_a_new_due_time_at_triage_does_not_repeat_a_threshold_already_escalated(
    client_for, requester, form_data, coordinator
):
    with time_machine.travel(paris(2026, 7, 10, 16, 0), tick=False):
        referral = submit(client_for, requester, form_data, urgency="P1")
    services.referrals_escalate(now=paris(2026, 7, 11, 10, 30))
    triage(referral, by=coordinator, priority="P2", at=paris(2026, 7, 11, 11, 0))
    referral.refresh_from_db()
    assert referral.due_at == paris(2026, 7, 12, 16, 0)
    assert referral.escalation_level == 0

    services.referrals_escalate(now=paris(2026, 7, 12, 5, 0))  # 75 % of the new delay

    assert sla_notices(referral) == [(Kind.SLA_NEARING, coordinator.pk)]


# ---------------------------------------------------------------------------------------------
# The coordinator's queue
# ---------------------------------------------------------------------------------------------
def test_the_queue_sorts_new_requests_by_their_provisional_due_time(
    client_for, requester, form_data, coordinator
):
    now = timezone.now()
    later = ReferralFactory(triaged=True, due_at=now + timedelta(days=5))
    with time_machine.travel(now - timedelta(hours=3), tick=False):
        urgent = submit(client_for, requester, form_data, urgency="P1")

    page = text(client_for(coordinator).get(reverse("referrals:dashboard"), {"vue": "toutes"}))

    assert page.index(urgent.reference) < page.index(later.reference)
    row = page[page.index(urgent.reference) : page.index(later.reference)]
    assert "reçue il y a 3 h" in row
    assert "P1 demandée" in row and "urgency-p1" in row
    assert timezone.localtime(urgent.due_at).strftime("%d/%m/%Y %H:%M") in page
    assert "(provisoire)" in page


# ---------------------------------------------------------------------------------------------
# Requests already waiting when the provisional due times came
# ---------------------------------------------------------------------------------------------
def test_the_migration_gives_waiting_requests_their_provisional_due_time(cardiology):
    submitted = paris(2026, 7, 10, 16, 0)
    waiting = ReferralFactory(submitted_at=submitted, urgency_requested="P2")
    asked = ReferralFactory(
        submitted_at=submitted, urgency_requested="P2", status=Status.INFO_REQUESTED
    )
    triaged = ReferralFactory(triaged=True, submitted_at=submitted)
    closed = ReferralFactory(submitted_at=submitted, status=Status.CANCELLED)
    migration = importlib.import_module("referrals.migrations.0010_provisional_due_times")

    migration.fill(apps, None)

    for referral in (waiting, asked, triaged, closed):
        referral.refresh_from_db()
    assert waiting.due_at == asked.due_at == paris(2026, 7, 12, 16, 0)
    assert waiting.escalate_at == paris(2026, 7, 12, 4, 0)
    assert triaged.due_at == submitted + timedelta(hours=48)  # untouched
    assert closed.due_at is None


def test_a_scheduled_referral_past_its_due_time_does_not_say_it_is_due_in_no_time(db):
    from referrals.templatetags.referral_cells import due_cell

    past = timezone.now() - timedelta(days=7)
    specialist = UserFactory(specialist=True)
    waiting = ReferralFactory(status="accepted", priority="P3", due_at=past, specialist=specialist)
    scheduled = ReferralFactory(
        status="scheduled", priority="P3", due_at=past, specialist=specialist
    )

    assert "dépassée de 1" in unescape(str(due_cell(waiting)))
    cell = unescape(str(due_cell(scheduled)))
    assert "dans" not in cell and "dépassée" not in cell
