"""Demo funding (data.toml): the ARS's start-up budget and this year's operating grant, this
year's budget by category, a dozen expenses and the rates of the specialists' paid time, played
through the services. Idempotent: a grant of the same label and year, an expense of the same
label and date, are not recorded twice; the budget and the rates are set to the same values."""

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Annotated

from django.utils import timezone

from ess.demo_data import Moment, OneOf, demo_data_load, demo_moment, unknown
from finance import services
from finance.models import Activity, BudgetCategory, Expense, Funder, FundingKind, Grant
from members.models import User

DATA_FILE = Path(__file__).with_name("data.toml")


@dataclass(frozen=True)
class GrantData:
    kind: Annotated[str, OneOf(FundingKind.values)]
    funder: Annotated[str, OneOf(Funder.values)]
    label: str
    year: int  # relative to this year
    amount: str
    decided: Moment
    received: Moment = ""
    conditions: str = ""
    reporting: str = ""
    reporting_due: Moment = ""


@dataclass(frozen=True)
class ExpenseData:
    date: Moment
    category: Annotated[str, OneOf(BudgetCategory.values)]
    label: str
    amount: str
    supplier: str = ""


@dataclass(frozen=True)
class FinanceData:
    grants: tuple[GrantData, ...]
    budget: dict[str, str]
    rates: dict[str, str]
    expenses: tuple[ExpenseData, ...]

    def check(self) -> list[str]:
        return [
            *unknown("budget", self.budget, BudgetCategory.values),
            *unknown("rates", self.rates, Activity.values),
        ]


def load(path: Path = DATA_FILE) -> FinanceData:
    return demo_data_load(path, FinanceData)


def seed_finance(users: dict[str, User]) -> dict:
    """The demo's funding, recorded by the management ("direction")."""
    data = load()
    manager = users["direction"]
    today = timezone.localdate()

    def day(moment: str):
        return timezone.localdate(demo_moment(moment, today=today)) if moment else None

    grants = []
    for grant in data.grants:
        year = today.year + grant.year
        found = Grant.objects.filter(label=grant.label, year=year).first()
        grants.append(
            found
            or services.grant_save(
                by=manager,
                kind=grant.kind,
                funder=grant.funder,
                label=grant.label,
                year=year,
                amount=Decimal(grant.amount),
                decided_on=day(grant.decided),
                received_on=day(grant.received),
                conditions=grant.conditions,
                reporting=grant.reporting,
                reporting_due=day(grant.reporting_due),
            )
        )
    services.budget_set(
        by=manager,
        year=today.year,
        amounts={category: Decimal(amount) for category, amount in data.budget.items()},
    )
    services.rates_set(
        by=manager, amounts={activity: Decimal(amount) for activity, amount in data.rates.items()}
    )
    expenses = []
    for expense in data.expenses:
        on = day(expense.date)
        found = Expense.objects.filter(label=expense.label, date=on).first()
        expenses.append(
            found
            or services.expense_create(
                by=manager,
                date=on,
                category=expense.category,
                label=expense.label,
                amount=Decimal(expense.amount),
                supplier=expense.supplier,
            )
        )
    return {"grants": grants, "expenses": expenses}
