"""The financial annex of the quarterly report: the year's budget against what was spent and
its grants, the same figures as the funding page, to the cent."""

import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from ess.money import NBSP, euros
from finance import services
from finance.selectors import Period, financial_summary, statement_of
from projet_sante.indicators.reports import render_quarterly_report
from tests.finance.conftest import at

pytestmark = pytest.mark.django_db


def test_the_quarterly_report_carries_the_financial_annex_adding_up(activity, manager):
    services.grant_save(
        by=manager,
        kind="startup",
        funder="ars",
        label="Crédits d'amorçage",
        year=2025,
        amount=Decimal("50000.00"),
        received_on=at(1, 20).date(),
    )
    services.budget_set(by=manager, year=2025, amounts={"medical_time": Decimal("40000.00")})
    services.expense_create(
        by=manager,
        date=at(5, 2).date(),
        category="medical_time",
        label="Régulation téléphonique",
        amount=Decimal("1234.56"),
    )
    summary = financial_summary(2025)
    medical_time = next(r for r in summary.rows if r.category == "medical_time")
    durand = statement_of(activity.durand, Period(2025))
    colleague = statement_of(activity.colleague, Period(2025))
    assert medical_time.spent == durand.total + colleague.total + Decimal("1234.56")

    pdf = render_quarterly_report("2025-Q2")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    text = text.replace(NBSP, " ")
    assert "10. Annexe financière" in text
    assert "Crédits d'amorçage" in text
    for amount in (medical_time.spent, Decimal("40000.00"), Decimal("50000.00")):
        assert euros(amount).replace(NBSP, " ") in text
