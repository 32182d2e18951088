"""An expense is dated within the years the funding pages show (2000–2100): otherwise it is
refused beside its date, by hand or in an import, and nothing is written."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from finance import services
from finance.models import Expense

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
