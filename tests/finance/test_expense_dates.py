"""Dates a manager types: an expense within the years the funding pages show (2000–2100), a
grant's report due after its decision; refused beside the field otherwise, nothing written."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from finance import services
from finance.models import Expense, Grant

pytestmark = pytest.mark.django_db

HEADER = "date;poste;libellé;montant;fournisseur\n"


def test_an_expense_dated_outside_the_years_shown_is_refused_beside_its_date(manager, client_for):
    response = client_for(manager).post(
        reverse("finance:expense_create"),
        {"date": "1990-01-01", "category": "communication", "label": "X", "amount": "123,45"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["date"] == [
        "La date d'une dépense est comprise entre 2000 et 2100."
    ]
    assert not Expense.objects.exists()


def test_an_imported_expense_dated_outside_the_years_shown_names_its_line(manager):
    with pytest.raises(ValidationError) as refused:
        services.expenses_import(
            by=manager, content=(HEADER + "01/01/1990;Communication;Affiches;10,00;X\n").encode()
        )
    assert refused.value.messages == [
        "Ligne 2 : la date « 01/01/1990 » n'est pas entre 2000 et 2100."
    ]
    assert not Expense.objects.exists()


def test_a_grant_report_due_before_its_decision_is_refused_beside_it(manager, client_for):
    response = client_for(manager).post(
        reverse("finance:grant_create"),
        {
            "kind": "fir",
            "funder": "ars",
            "label": "FIR QA",
            "year": 2026,
            "amount": "1000",
            "decided_on": "2026-03-01",
            "reporting_due": "2025-01-01",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["reporting_due"] == [
        "Le compte rendu ne peut être dû avant la décision de financement."
    ]
    assert not Grant.objects.exists()
