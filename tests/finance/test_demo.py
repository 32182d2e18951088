"""The demo's funding: the ARS's start-up budget and this year's operating grant, this year's
budget by category, a dozen expenses, the paid time's rates; seeded twice, recorded once."""

from decimal import Decimal

from django.utils import timezone

from finance.models import ActivityRate, BudgetLine, Expense, Grant
from finance.selectors import Period, financial_summary, paid_time
from tests.shared_data import between_demo_seeds, reads_shared


@between_demo_seeds
def finance_counts():
    return (
        Grant.objects.count(),
        BudgetLine.objects.count(),
        Expense.objects.count(),
        ActivityRate.objects.count(),
    )


@reads_shared("demo", "demo_again")
def test_the_demo_s_funding_is_seeded_once(shared_data):
    counts = shared_data["demo_again"][finance_counts]
    assert finance_counts() == counts == (2, 7, 12, 5)
    year = timezone.localdate().year
    operating = Grant.objects.get(kind="operating")
    assert (operating.funder, operating.year, operating.amount) == ("ars", year, Decimal(180000))
    assert Grant.objects.get(kind="startup").year == year - 1
    summary = financial_summary(year)
    assert summary.planned == Decimal("180000.00")
    # The demo's specialists are paid for what they did on the platform this year.
    statements = paid_time(Period(year))
    assert summary.paid_time == sum(s.total for s in statements)
