"""Writes of the ESS's money: grants, the yearly budget, expenses (by hand, with a checked
receipt, or imported from a CSV), and the rates of the specialists' paid time. Each is one
transaction, for the management only; bad input raises ValidationError with a French message
and writes nothing."""

import csv
import hashlib
import io
import re
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.translation import gettext as _

from ess.money import check_fits, fits, parse_amount
from ess.permissions import require
from ess.uploads import check_upload
from finance.models import (
    FIRST_YEAR,
    LAST_YEAR,
    Activity,
    ActivityRate,
    BudgetCategory,
    BudgetLine,
    Expense,
    ExpenseReceipt,
    Funder,
    FundingKind,
    Grant,
)
from finance.permissions import can_manage_finance

__all__ = [
    "PermissionDenied",
    "budget_set",
    "expense_create",
    "expenses_import",
    "grant_save",
    "rates_set",
]

GRANT_FIELDS = (
    "kind",
    "funder",
    "funder_name",
    "label",
    "year",
    "amount",
    "decided_on",
    "received_on",
    "conditions",
    "reporting",
    "reporting_due",
)


_YEARS = {"first": FIRST_YEAR, "last": LAST_YEAR}


def _expense_date(day: date) -> date:
    """An expense's date, within the years the pages show."""
    if day is None:
        raise ValidationError({"date": _("Indiquez la date de la dépense.")})
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValidationError(
            {"date": _("La date d'une dépense est comprise entre %(first)s et %(last)s.") % _YEARS}
        )
    return day


def _positive(amount, field_name: str) -> Decimal:
    if not isinstance(amount, Decimal) or amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({field_name: _("Indiquez un montant positif, au centime près.")})
    return check_fits(amount, field_name)


@transaction.atomic
def grant_save(*, by, grant_id: int | None = None, **data) -> Grant:
    """Record a grant, or change one (`grant_id`). Requires the management; an "other" funder
    is named; the amount is positive; money is not received, nor the report due, before it is
    decided.
    Raises PermissionDenied or ValidationError (nothing is written)."""
    require(can_manage_finance(by))
    unknown = set(data) - set(GRANT_FIELDS)
    if unknown:
        raise TypeError(f"unknown grant fields: {sorted(unknown)}")
    if data.get("kind") not in FundingKind.values:
        raise ValidationError({"kind": _("Choisissez la nature du financement.")})
    if data.get("funder") not in Funder.values:
        raise ValidationError({"funder": _("Choisissez le financeur.")})
    data["funder_name"] = (data.get("funder_name") or "").strip()
    if data["funder"] == Funder.OTHER and not data["funder_name"]:
        raise ValidationError({"funder_name": _("Nommez le financeur.")})
    if data["funder"] != Funder.OTHER:
        data["funder_name"] = ""
    data["label"] = (data.get("label") or "").strip()
    if not data["label"]:
        raise ValidationError({"label": _("Donnez un intitulé au financement.")})
    _positive(data.get("amount"), "amount")
    decided, received = data.get("decided_on"), data.get("received_on")
    if decided and received and received < decided:
        raise ValidationError(
            {"received_on": _("Le versement ne peut précéder la décision de financement.")}
        )
    due = data.get("reporting_due")
    if decided and due and due < decided:
        raise ValidationError(
            {
                "reporting_due": _(
                    "Le compte rendu ne peut être dû avant la décision de financement."
                )
            }
        )
    if grant_id is None:
        return Grant.objects.create(created_by=by, **data)
    grant = Grant.objects.select_for_update().get(pk=grant_id)
    for name, value in data.items():
        setattr(grant, name, value)
    grant.save()
    return grant


@transaction.atomic
def budget_set(*, by, year: int, amounts: dict[str, Decimal]) -> list[BudgetLine]:
    """Set the year's planned amount for each category given (0 is a plan of nothing).
    Raises PermissionDenied or ValidationError (nothing is written)."""
    require(can_manage_finance(by))
    if not FIRST_YEAR <= int(year) <= LAST_YEAR:
        raise ValidationError({"year": _("Indiquez un exercice entre 2000 et 2100.")})
    for category, amount in amounts.items():
        if category not in BudgetCategory.values:
            raise ValidationError(_("Poste de budget inconnu : %(c)s.") % {"c": category})
        if not isinstance(amount, Decimal) or amount < 0:
            raise ValidationError({category: _("Indiquez un montant positif ou nul.")})
        check_fits(amount, category)
    lines = []
    for category, amount in amounts.items():
        line, _created = BudgetLine.objects.update_or_create(
            year=year, category=category, defaults={"amount": amount}
        )
        lines.append(line)
    return lines


@transaction.atomic
def expense_create(
    *,
    by,
    date: date,
    category: str,
    label: str,
    amount: Decimal,
    supplier: str = "",
    receipt=None,
) -> Expense:
    """Record an expense, with its receipt when given (checked like every upload: PDF, JPEG,
    PNG, text; scanned). Raises PermissionDenied or ValidationError (nothing is written)."""
    require(can_manage_finance(by))
    if category not in BudgetCategory.values:
        raise ValidationError({"category": _("Choisissez le poste de la dépense.")})
    _expense_date(date)
    label = (label or "").strip()
    if not label:
        raise ValidationError({"label": _("Donnez un libellé à la dépense.")})
    _positive(amount, "amount")
    checked = None
    if receipt is not None:
        try:
            checked = check_upload(receipt)
        except ValidationError as exc:
            raise ValidationError({"receipt": exc.messages}) from exc
    expense = Expense.objects.create(
        date=date,
        category=category,
        label=label,
        amount=amount,
        supplier=(supplier or "").strip(),
        created_by=by,
    )
    if checked is not None:
        stored = ExpenseReceipt(expense=expense)
        stored.keep(checked)
        try:
            with transaction.atomic():
                stored.save()
        except Exception:
            stored.file.delete(save=False)
            raise
    return expense


# ---------------------------------------------------------------------------------------------
# The accountant's CSV
# ---------------------------------------------------------------------------------------------
IMPORT_COLUMNS = ("date", "poste", "libellé", "montant", "fournisseur")
_DAY_MONTH_YEAR = re.compile(r"\d{1,2}/\d{1,2}/\d{4}")


def _category(text: str) -> str | None:
    """A category by its French name or its code."""
    with translation.override("fr"):
        names = {str(label).casefold(): value for value, label in BudgetCategory.choices}
    names.update({value: value for value in BudgetCategory.values})
    return names.get(text.strip().casefold())


def _decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(_("Le fichier n'est pas un texte lisible (UTF-8 ou Windows-1252)."))


def _fingerprint(day: date, category: str, label: str, amount: Decimal, supplier: str) -> str:
    line = f"{day.isoformat()};{category};{label.casefold()};{amount};{supplier.casefold()}"
    return hashlib.sha256(line.encode()).hexdigest()


@transaction.atomic
def expenses_import(*, by, content: bytes) -> list[Expense]:
    """Import the expenses of a CSV file: `;` separated, a header line (date; poste; libellé;
    montant; fournisseur), dates as 31/12/2026, amounts in French ("1 234,56"), the category
    by its name ("Communication") or its code. Every line is checked first: on the first bad
    line, or a line already imported (or twice in the file), a French message names the line
    and nothing is imported.
    Raises PermissionDenied or ValidationError."""
    require(can_manage_finance(by))
    if len(content) > settings.ESS_ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            _("Le fichier dépasse %(limit)s.")
            % {"limit": filesizeformat(settings.ESS_ATTACHMENT_MAX_BYTES)}
        )
    rows = list(csv.reader(io.StringIO(_decode(content)), delimiter=";"))
    if not rows or [c.strip().casefold() for c in rows[0]][:5] != list(IMPORT_COLUMNS):
        raise ValidationError(
            _("Ligne 1 : l'en-tête attendu est « %(header)s ».")
            % {"header": ";".join(IMPORT_COLUMNS)}
        )
    parsed, seen = [], {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(IMPORT_COLUMNS):
            raise ValidationError(
                _("Ligne %(n)s : %(count)s colonnes au lieu de 5 (séparées par « ; »).")
                % {"n": number, "count": len(row)}
            )
        raw_date, raw_category, label, raw_amount, supplier = (cell.strip() for cell in row)
        try:
            day = datetime.strptime(raw_date, "%d/%m/%Y").date()
        except ValueError:
            if _DAY_MONTH_YEAR.fullmatch(raw_date):  # the right shape, a day that does not exist
                raise ValidationError(
                    _("Ligne %(n)s : la date « %(value)s » n'existe pas.")
                    % {"n": number, "value": raw_date}
                ) from None
            raise ValidationError(
                _("Ligne %(n)s : la date « %(value)s » n'est pas au format JJ/MM/AAAA.")
                % {"n": number, "value": raw_date}
            ) from None
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise ValidationError(
                _("Ligne %(n)s : la date « %(value)s » n'est pas entre %(first)s et %(last)s.")
                % {"n": number, "value": raw_date, **_YEARS}
            )
        category = _category(raw_category)
        if category is None:
            raise ValidationError(
                _("Ligne %(n)s : le poste « %(value)s » est inconnu.")
                % {"n": number, "value": raw_category}
            )
        if not label:
            raise ValidationError(_("Ligne %(n)s : le libellé est vide.") % {"n": number})
        amount = parse_amount(raw_amount)
        if amount is None or amount <= 0:
            raise ValidationError(
                _(
                    "Ligne %(n)s : le montant « %(value)s » n'est pas un montant positif "
                    "(ex. 1 234,56)."
                )
                % {"n": number, "value": raw_amount}
            )
        if not fits(amount):
            raise ValidationError(
                _("Ligne %(n)s : le montant « %(value)s » est trop élevé.")
                % {"n": number, "value": raw_amount}
            )
        key = _fingerprint(day, category, label, amount, supplier)
        if key in seen:
            raise ValidationError(
                _("Ligne %(n)s : elle répète la ligne %(first)s.")
                % {"n": number, "first": seen[key]}
            )
        seen[key] = number
        parsed.append(
            (
                number,
                key,
                Expense(
                    date=day,
                    category=category,
                    label=label[:200],
                    amount=amount,
                    supplier=supplier[:200],
                    import_key=key,
                    created_by=by,
                ),
            )
        )
    if not parsed:
        raise ValidationError(_("Le fichier ne contient aucune dépense."))
    already = set(
        Expense.objects.filter(import_key__in=[key for _n, key, _e in parsed]).values_list(
            "import_key", flat=True
        )
    )
    for number, key, _expense in parsed:
        if key in already:
            raise ValidationError(
                _("Ligne %(n)s : cette dépense a déjà été importée.") % {"n": number}
            )
    return Expense.objects.bulk_create([expense for _n, _k, expense in parsed])


@transaction.atomic
def rates_set(*, by, amounts: dict[str, Decimal]) -> list[ActivityRate]:
    """Set the rate of each activity given (in euros, 0 or more, to the cent).
    Raises PermissionDenied or ValidationError (nothing is written)."""
    require(can_manage_finance(by))
    for activity, amount in amounts.items():
        if activity not in Activity.values:
            raise ValidationError(_("Activité inconnue : %(a)s.") % {"a": activity})
        if not isinstance(amount, Decimal) or amount < 0:
            raise ValidationError({activity: _("Indiquez un montant positif ou nul.")})
        check_fits(amount, activity)
    return [
        ActivityRate.objects.update_or_create(activity=a, defaults={"amount": amount})[0]
        for a, amount in amounts.items()
    ]
