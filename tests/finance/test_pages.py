"""The funding pages: the management's only; the lists in a constant number of queries."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from finance import services
from finance.models import BudgetLine, Expense, Grant

pytestmark = pytest.mark.django_db

PAGES = ["finance:home", "finance:expenses", "finance:paid_time", "finance:rates"]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("persona", ["coordinator", "specialist", "requester", "authority"])
def test_the_funding_pages_are_refused_to_all_but_the_management(
    page, persona, request, client_for
):
    user = request.getfixturevalue(persona)
    assert client_for(user).get(reverse(page)).status_code == 403


def _expenses(manager, n):
    for i in range(n):
        services.expense_create(
            by=manager,
            date=date(2025, 1 + i % 12, 1),
            category="running",
            label=f"Dépense {i}",
            amount=Decimal("10.10"),
        )


def test_the_lists_run_a_constant_number_of_queries(
    manager, client_for, django_assert_max_num_queries
):
    client = client_for(manager)
    _expenses(manager, 3)
    services.grant_save(
        by=manager,
        kind="fir",
        funder="other",
        funder_name="Département du Loiret",
        label="Aide",
        year=2025,
        amount=Decimal("1000"),
    )
    with django_assert_max_num_queries(25) as few:
        client.get(reverse("finance:expenses"), {"annee": 2025})
    with django_assert_max_num_queries(30) as few_home:
        client.get(reverse("finance:home"), {"annee": 2025})
    _expenses(manager, 12)
    for i in range(5):
        services.grant_save(
            by=manager,
            kind="other",
            funder="cpam",
            label=f"Aide {i}",
            year=2025,
            amount=Decimal("1000"),
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("finance:expenses"), {"annee": 2025})
    assert page.content.decode().count("10,10") == 15
    with django_assert_max_num_queries(len(few_home.captured_queries)):
        home = client.get(reverse("finance:home"), {"annee": 2025})
    assert "Département du Loiret" in home.content.decode()
    text = home.content.decode().replace("\u00a0", " ").replace("\u202f", " ")
    assert "151,50 €" in text  # spent
    assert "6 000,00 €" in text  # granted


def test_a_manager_records_the_budget_and_a_grant_through_the_pages(manager, client_for):
    client = client_for(manager)
    data = {
        "year": 2025,
        **{
            c: "0"
            for c in (
                "coordination",
                "medical_time",
                "information_systems",
                "communication",
                "training",
                "running",
                "other",
            )
        },
    }
    data["coordination"] = "12 500,00"
    response = client.post(reverse("finance:budget_edit"), data)
    assert response.status_code == 302
    assert BudgetLine.objects.get(year=2025, category="coordination").amount == Decimal("12500")
    response = client.post(
        reverse("finance:grant_create"),
        {
            "kind": "operating",
            "funder": "ars",
            "label": "Dotation 2025",
            "year": 2025,
            "amount": "180 000",
            "decided_on": "2025-01-15",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    assert Grant.objects.get().amount == Decimal("180000.00")


def test_an_expense_recorded_from_its_form_is_listed_and_its_receipt_downloads(
    manager, client_for, clamd
):
    client = client_for(manager)
    receipt = SimpleUploadedFile("facture.txt", b"Facture 2025-14 : 120,00 EUR\n")

    response = client.post(
        reverse("finance:expense_create"),
        {
            "date": "2025-03-14",
            "category": "communication",
            "label": "Plaquettes du guichet",
            "amount": "1 234,56",
            "supplier": "Imprimerie du Loiret",
            "receipt": receipt,
        },
    )

    assert response["Location"] == f"{reverse('finance:expenses')}?annee=2025"
    expense = Expense.objects.get(label="Plaquettes du guichet")
    assert expense.amount == Decimal("1234.56")
    listing = client.get(response["Location"]).content.decode()
    assert "Plaquettes du guichet" in listing
    download = client.get(reverse("finance:receipt", args=[expense.public_id]))
    assert b"".join(download.streaming_content) == b"Facture 2025-14 : 120,00 EUR\n"


def test_an_expense_with_a_bad_amount_is_refused_in_french_and_writes_nothing(manager, client_for):
    response = client_for(manager).post(
        reverse("finance:expense_create"),
        {"date": "2025-03-14", "category": "communication", "label": "X", "amount": "12,345"},
    )

    assert response.status_code == 200
    assert "Indiquez un montant en euros (ex. 1 234,56)." in response.content.decode()
    assert not Expense.objects.exists()


def test_a_grant_changed_from_its_form_keeps_the_new_amount(manager, client_for):
    grant = services.grant_save(
        by=manager,
        kind="operating",
        funder="ars",
        label="Dotation",
        year=2025,
        amount=Decimal("1000"),
    )

    response = client_for(manager).post(
        reverse("finance:grant_edit", args=[grant.public_id]),
        {
            "kind": "operating",
            "funder": "ars",
            "label": "Dotation",
            "year": "2025",
            "amount": "1 500,50",
        },
    )

    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.amount == Decimal("1500.50")
