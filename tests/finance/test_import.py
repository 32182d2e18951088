"""The accountant's CSV of expenses: every line checked first; a bad line is named with its
number and nothing is imported; a line already imported is refused."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from finance import services
from finance.models import Expense

pytestmark = pytest.mark.django_db

HEADER = "date;poste;libellé;montant;fournisseur\n"
GOOD = (
    "15/01/2025;Communication;Plaquettes;1 234,56;Imprimerie du Centre\n"
    "02/02/2025;Systèmes d'information;Abonnement visio;49,90;Visio SAS\n"
    "03/02/2025;running;Location de salle;300;Mairie\n"
)


def _import(manager, text: str, encoding="utf-8"):
    return services.expenses_import(by=manager, content=text.encode(encoding))


def test_every_line_is_imported_with_french_amounts(manager):
    imported = _import(manager, HEADER + GOOD)
    assert len(imported) == 3
    assert sorted(Expense.objects.values_list("amount", flat=True)) == [
        Decimal("49.90"),
        Decimal("300.00"),
        Decimal("1234.56"),
    ]
    assert Expense.objects.get(label="Abonnement visio").category == "information_systems"


def test_a_spreadsheet_s_windows_encoding_is_read(manager):
    assert len(_import(manager, HEADER + GOOD, encoding="cp1252")) == 3


@pytest.mark.parametrize(
    ("bad_line", "message"),
    [
        (
            "31/02/2025;Communication;Affiches;10,00;X\n",
            "Ligne 3 : la date « 31/02/2025 » n'existe pas.",
        ),
        (
            "2025-03-01;Communication;Affiches;10,00;X\n",
            "Ligne 3 : la date « 2025-03-01 » n'est pas au format JJ/MM/AAAA.",
        ),
        (
            "01/03/2025;Publicité;Affiches;10,00;X\n",
            "Ligne 3 : le poste « Publicité » est inconnu.",
        ),
        (
            "01/03/2025;Communication;Affiches;10,005;X\n",
            "Ligne 3 : le montant « 10,005 » n'est pas un montant positif (ex. 1 234,56).",
        ),
        (
            "01/03/2025;Communication;Affiches;-10,00;X\n",
            "Ligne 3 : le montant « -10,00 » n'est pas un montant positif (ex. 1 234,56).",
        ),
        ("01/03/2025;Communication;;10,00;X\n", "Ligne 3 : le libellé est vide."),
        (
            "01/03/2025;Communication;Affiches;10,00\n",
            "Ligne 3 : 4 colonnes au lieu de 5 (séparées par « ; »).",
        ),
        (
            "15/01/2025;Communication;Plaquettes;1 234,56;Imprimerie du Centre\n",
            "Ligne 3 : elle répète la ligne 2.",
        ),
    ],
)
def test_a_bad_line_is_named_and_nothing_is_imported(manager, bad_line, message):
    first, *rest = GOOD.splitlines(keepends=True)
    with pytest.raises(ValidationError) as refused:
        _import(manager, HEADER + first + bad_line + "".join(rest))
    assert refused.value.messages == [message]
    assert not Expense.objects.exists()


def test_a_wrong_header_is_refused(manager):
    with pytest.raises(ValidationError) as refused:
        _import(manager, "date,poste,libellé,montant,fournisseur\n" + GOOD)
    assert refused.value.messages == [
        "Ligne 1 : l'en-tête attendu est « date;poste;libellé;montant;fournisseur »."
    ]


def test_a_line_already_imported_is_refused_and_nothing_more_is_imported(manager):
    _import(manager, HEADER + GOOD)
    with pytest.raises(ValidationError) as refused:
        _import(manager, HEADER + "10/03/2025;Formation;Salle;80,00;Hôtel\n" + GOOD)
    assert refused.value.messages == ["Ligne 3 : cette dépense a déjà été importée."]
    assert Expense.objects.count() == 3


def test_the_import_page_shows_the_line_at_fault(manager, client_for):
    client = client_for(manager)
    upload = SimpleUploadedFile(
        "depenses.csv", (HEADER + "01/03/2025;Communication;Affiches;dix;X\n").encode()
    )
    response = client.post(reverse("finance:expense_import"), {"file": upload}, follow=True)
    assert "Ligne 2 : le montant « dix »" in response.content.decode()
    assert not Expense.objects.exists()


def test_a_file_too_large_is_refused(manager, settings):
    settings.ESS_ATTACHMENT_MAX_BYTES = 100
    with pytest.raises(ValidationError) as refused:
        _import(manager, HEADER + GOOD)
    assert refused.value.messages[0].startswith("Le fichier dépasse")
    assert not Expense.objects.exists()
