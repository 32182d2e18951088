"""Amounts too large for the budget's columns are refused beside their field, in French, and
nothing is written (the database is never asked to store them)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ess.money import check_fits, fits
from finance import services
from finance.models import ActivityRate, BudgetLine, Expense, Grant

pytestmark = pytest.mark.django_db

HUGE = "99999999999999"
TOO_LARGE = "Ce montant est trop élevé."


def test_the_limit_is_the_column_s():
    assert fits(Decimal("9999999999.99"))
    assert not fits(Decimal("10000000000.00"))
    assert not fits(Decimal("999999999.95"), max_digits=10, decimal_places=1)  # rounds up
    assert fits(Decimal("999999999.94"), max_digits=10, decimal_places=1)
    assert not fits(Decimal("Infinity"))
    with pytest.raises(ValidationError) as refused:
        check_fits(Decimal(HUGE), "amount")
    assert refused.value.message_dict == {"amount": [TOO_LARGE]}


def test_a_huge_grant_is_refused_beside_its_amount(manager, client_for):
    response = client_for(manager).post(
        reverse("finance:grant_create"),
        {"kind": "operating", "funder": "ars", "label": "FIR", "year": 2026, "amount": HUGE},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["amount"] == [TOO_LARGE]
    assert not Grant.objects.exists()


def test_a_huge_budget_line_is_refused(manager, client_for):
    response = client_for(manager).post(
        reverse("finance:budget_edit"), {"year": 2026, "coordination": HUGE, "other": "10"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["coordination"] == [TOO_LARGE]
    assert not BudgetLine.objects.exists()


def test_a_huge_expense_is_refused(manager, client_for):
    response = client_for(manager).post(
        reverse("finance:expense_create"),
        {"date": "2026-03-14", "category": "communication", "label": "X", "amount": HUGE},
    )
    assert response.status_code == 200
    assert TOO_LARGE in response.content.decode()
    assert not Expense.objects.exists()


def test_a_huge_rate_is_refused(manager, client_for):
    response = client_for(manager).post(reverse("finance:rates"), {"meeting": HUGE})
    assert response.status_code == 200
    assert response.context["form"].errors["meeting"] == [TOO_LARGE]
    assert not ActivityRate.objects.exists()


def test_the_services_refuse_a_huge_amount_too(manager):
    with pytest.raises(ValidationError) as refused:
        services.rates_set(by=manager, amounts={"meeting": Decimal(HUGE)})
    assert refused.value.message_dict == {"meeting": [TOO_LARGE]}
    with pytest.raises(ValidationError):
        services.budget_set(by=manager, year=2026, amounts={"other": Decimal(HUGE)})
    assert not ActivityRate.objects.exists() and not BudgetLine.objects.exists()


def test_a_huge_amount_in_an_import_names_its_line(manager, client_for):
    upload = (
        "date;poste;libellé;montant;fournisseur\n"
        "03/11/2026;Communication;Affiches;10,00;X\n"
        f"04/11/2026;Communication;Big;{HUGE};y\n"
    ).encode()
    response = client_for(manager).post(
        reverse("finance:expense_import"),
        {"file": SimpleUploadedFile("depenses.csv", upload)},
        follow=True,
    )
    assert response.status_code == 200
    assert f"Ligne 3 : le montant « {HUGE} » est trop élevé." in response.content.decode()
    assert not Expense.objects.exists()
