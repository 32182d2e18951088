"""Grants, the budget, expenses and rates: written by the management only; bad input is refused
with a French message and writes nothing."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from finance import services
from finance.models import ActivityRate, BudgetLine, Expense, ExpenseReceipt, Grant

pytestmark = pytest.mark.django_db

GRANT = {
    "kind": "startup",
    "funder": "ars",
    "funder_name": "",
    "label": "Crédits d'amorçage",
    "year": 2025,
    "amount": Decimal("50000.00"),
    "decided_on": date(2025, 1, 10),
    "received_on": date(2025, 2, 1),
    "conditions": "",
    "reporting": "Bilan d'activité",
    "reporting_due": date(2026, 3, 31),
}


@pytest.mark.parametrize(
    "persona", ["coordinator", "specialist", "paramedic", "requester", "authority"]
)
def test_only_the_management_records_money(persona, request):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        services.grant_save(by=user, **GRANT)
    with pytest.raises(PermissionDenied):
        services.budget_set(by=user, year=2025, amounts={"other": Decimal(1)})
    with pytest.raises(PermissionDenied):
        services.expense_create(
            by=user, date=date(2025, 1, 1), category="other", label="x", amount=Decimal(1)
        )
    with pytest.raises(PermissionDenied):
        services.rates_set(by=user, amounts={"answer": Decimal(1)})
    assert not Grant.objects.exists()
    assert not BudgetLine.objects.exists()
    assert not Expense.objects.exists()
    assert not ActivityRate.objects.exists()


def test_a_grant_is_recorded_then_changed(manager):
    grant = services.grant_save(by=manager, **GRANT)
    services.grant_save(by=manager, grant_id=grant.pk, **{**GRANT, "amount": Decimal("60000")})
    grant.refresh_from_db()
    assert grant.amount == Decimal("60000.00")
    assert grant.funder_label == "ARS"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"amount": Decimal("0")}, "Indiquez un montant positif, au centime près."),
        ({"amount": Decimal("10.005")}, "Indiquez un montant positif, au centime près."),
        ({"funder": "other", "funder_name": " "}, "Nommez le financeur."),
        ({"label": ""}, "Donnez un intitulé au financement."),
        (
            {"received_on": date(2025, 1, 1)},
            "Le versement ne peut précéder la décision de financement.",
        ),
    ],
)
def test_a_bad_grant_is_refused_and_nothing_is_written(manager, change, message):
    with pytest.raises(ValidationError) as refused:
        services.grant_save(by=manager, **{**GRANT, **change})
    assert message in refused.value.messages
    assert not Grant.objects.exists()


def test_the_budget_is_set_per_category_and_replaced(manager):
    services.budget_set(by=manager, year=2025, amounts={"coordination": Decimal("1000")})
    services.budget_set(by=manager, year=2025, amounts={"coordination": Decimal("1200.50")})
    assert BudgetLine.objects.get().amount == Decimal("1200.50")


def test_a_negative_budget_writes_nothing(manager):
    with pytest.raises(ValidationError):
        services.budget_set(
            by=manager,
            year=2025,
            amounts={"coordination": Decimal("1000"), "training": Decimal("-1")},
        )
    assert not BudgetLine.objects.exists()


def test_an_expense_keeps_its_checked_receipt(manager, clamd):
    receipt = SimpleUploadedFile("facture.txt", b"Facture 2025-14 : 120,00 EUR\n")
    expense = services.expense_create(
        by=manager,
        date=date(2025, 3, 1),
        category="running",
        label="Fournitures",
        amount=Decimal("120.00"),
        supplier="Papeterie",
        receipt=receipt,
    )
    assert expense.stored_receipt.original_name == "facture.txt"


def test_an_expense_with_a_disguised_receipt_writes_nothing(manager):
    receipt = SimpleUploadedFile("facture.pdf", b"MZ\x90\x00 not a pdf at all")
    with pytest.raises(ValidationError) as refused:
        services.expense_create(
            by=manager,
            date=date(2025, 3, 1),
            category="running",
            label="Fournitures",
            amount=Decimal("120.00"),
            receipt=receipt,
        )
    assert "receipt" in refused.value.message_dict
    assert not Expense.objects.exists()
    assert not ExpenseReceipt.objects.exists()
