"""Specialists' paid time counted from their activity, each member's statement (PDF) and the
accountant's export (CSV), adding up to the cent with the year's budget against actual."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from ess.models import Team
from ess.money import NBSP, euros, parse_amount
from finance import services
from finance.selectors import Period, financial_summary, paid_time, statement_of
from meetings.models import MeetingParticipant
from tests.factories import CaseMeetingFactory, TrainingFactory, UserFactory
from tests.finance.conftest import at

pytestmark = pytest.mark.django_db

Q2 = Period(2025, 2)


def _lines(statement) -> dict[str, tuple[Decimal, Decimal]]:
    return {line.activity: (line.quantity, line.amount) for line in statement.lines}


def test_a_statement_counts_each_activity_of_the_quarter_at_its_rate(activity):
    statement = statement_of(activity.durand, Q2)

    assert _lines(statement) == {
        "answer": (Decimal(3), Decimal("90.00")),
        "session": (Decimal(2), Decimal("501.00")),
        "meeting": (Decimal(1), Decimal("80.00")),
        "training": (Decimal(1), Decimal("150.00")),
        # 7 h 20 = 7,33 h × 12,34 € = 90,4522 €, rounded to the cent.
        "on_call_hour": (Decimal("7.33"), Decimal("90.45")),
    }
    assert statement.total == Decimal("911.45")


def test_a_later_quarter_counts_only_its_own_activity(activity):
    assert _lines(statement_of(activity.durand, Period(2025, 3))) == {
        "answer": (Decimal(1), Decimal("30.00"))
    }


def test_grants_expenses_and_a_quarter_of_activity_add_up_to_the_cent(
    activity, manager, client_for
):
    services.grant_save(
        by=manager,
        kind="operating",
        funder="ars",
        label="Dotation de fonctionnement 2025",
        year=2025,
        amount=Decimal("150000.00"),
        decided_on=at(1, 15).date(),
        received_on=at(2, 1).date(),
    )
    services.budget_set(
        by=manager,
        year=2025,
        amounts={"medical_time": Decimal("40000.00"), "communication": Decimal("3000.00")},
    )
    for label, category, amount in (
        ("Astreinte de régulation (hors plateforme)", "medical_time", "1234.56"),
        ("Plaquettes", "communication", "456.78"),
        ("Affiches", "communication", "0.01"),
    ):
        services.expense_create(
            by=manager,
            date=at(5, 2).date(),
            category=category,
            label=label,
            amount=Decimal(amount),
        )

    durand = statement_of(activity.durand, Q2)
    statements = paid_time(Period(2025))
    summary = financial_summary(2025)
    rows = {row.category: row for row in summary.rows}

    assert durand.total == sum(line.amount for line in durand.lines) == Decimal("911.45")
    year_of_durand = next(s for s in statements if s.member == activity.durand)
    # The year adds the July answer; the colleague answered once.
    assert year_of_durand.total == Decimal("941.45")
    assert summary.paid_time == Decimal("971.45")
    assert rows["medical_time"].spent == Decimal("971.45") + Decimal("1234.56")
    assert rows["medical_time"].remaining == Decimal("40000.00") - Decimal("2206.01")
    assert rows["communication"].spent == Decimal("456.79")
    assert summary.spent == Decimal("2662.80")
    assert summary.received == Decimal("150000.00")
    assert summary.balance == Decimal("147337.20")

    # The statement's PDF carries its lines and total in French.
    response = client_for(manager).get(
        reverse("finance:statement", args=[activity.durand.public_id]),
        {"annee": 2025, "trimestre": 2},
    )
    assert response.status_code == 200
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    text = text.replace(NBSP, " ").replace("\u202f", " ")
    assert "Relevé des temps médicaux — T2 2025" in text
    assert "Alice Durand" in text
    assert "250,50 €" in text and "501,00 €" in text and "90,45 €" in text
    assert "911,45 €" in text

    # The accountant's export reopens with the same totals.
    response = client_for(manager).get(reverse("finance:paid_time_csv"), {"annee": 2025})
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(content), delimiter=";"))
    header, body = table[0], table[1:]
    assert header[-1] == "Montant (€)"
    lines = [r for r in body if r[3] not in ("Total", "") and r[0] != "Total de la période"]
    totals = {r[1]: parse_amount(r[-1]) for r in body if r[3] == "Total"}
    assert totals == {"Alice Durand": Decimal("941.45"), "Bruno Petit": Decimal("30.00")}
    for name, total in totals.items():
        assert sum(parse_amount(r[-1]) for r in lines if r[1] == name) == total
    assert body[-1][0] == "Total de la période"
    assert parse_amount(body[-1][-1]) == summary.paid_time


def test_a_member_downloads_their_own_statement_and_no_one_else_s(activity, client_for):
    client = client_for(activity.durand)
    own = client.get(reverse("finance:statement", args=[activity.durand.public_id]))
    other = client.get(reverse("finance:statement", args=[activity.colleague.public_id]))
    assert own.status_code == 200
    assert other.status_code == 404


def test_the_paid_time_page_lists_every_member_in_constant_queries(
    activity, manager, client_for, django_assert_max_num_queries
):
    client = client_for(manager)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("finance:paid_time"), {"annee": 2025, "trimestre": 2})
    assert page.status_code == 200
    assert euros(Decimal("911.45")) in page.content.decode()


def test_a_coordinator_attending_a_case_meeting_is_not_paid(activity, manager, client_for):
    coordinator = UserFactory(coordinator=True, first_name="Sophie", last_name="Bernard")
    meeting = CaseMeetingFactory(held=True, starts_at=at(5, 21, 18))
    MeetingParticipant.objects.create(meeting=meeting, user=coordinator, attended=True)
    training = TrainingFactory(held=True, starts_at=at(6, 6, 19))
    training.speakers.add(coordinator)

    page = client_for(manager).get(reverse("finance:paid_time"), {"annee": 2025})

    assert "Bernard" not in page.content.decode()
    assert [s.member for s in paid_time(Q2)] == [activity.durand, activity.colleague]
    assert financial_summary(2025).paid_time == Decimal("971.45")  # unchanged


def test_the_statement_names_the_platform_in_good_french(activity, client_for):
    Team.objects.update_or_create(
        pk=1, defaults={"name": "ESS Cardiologie du Loiret", "short_name": "ESS"}
    )

    response = client_for(activity.durand).get(
        reverse("finance:statement", args=[activity.durand.public_id])
    )

    text = " ".join(
        " ".join(
            page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages
        ).split()
    )
    assert "sur la plateforme « ESS Cardiologie du Loiret »." in text
    assert "plateforme de ESS" not in text
