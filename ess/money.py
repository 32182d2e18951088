"""Euros as `Decimal`, to the cent: French display ("1 234,56 €") and French input ("1 234,56",
"1234.56"), for every app that counts money (the budget, membership fees). Never a float."""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CENT = Decimal("0.01")
NBSP = "\u00a0"  # no-break space, before the euro sign
THOUSANDS = "\u202f"  # narrow no-break space, between thousands (as Django's French format)
_SPACES = re.compile(r"[\s\u00a0\u202f]")
_AMOUNT = re.compile(r"-?\d+(?:[.,]\d{1,2})?")


def cents(value) -> Decimal:
    """`value` rounded to the cent, halves away from zero (as an accountant rounds)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def parse_amount(text: str) -> Decimal | None:
    """A French amount ("1 234,56", "1234.5", "12") as Decimal, or None when it is not one
    (more than two decimals, letters, empty). The sign is kept; callers refuse what they
    must."""
    raw = _SPACES.sub("", (text or "").replace("€", ""))
    if not _AMOUNT.fullmatch(raw):
        return None
    try:
        return Decimal(raw.replace(",", ".")).quantize(CENT)
    except InvalidOperation:
        return None


def fits(value: Decimal, max_digits: int = 12, decimal_places: int = 2) -> bool:
    """Whether `value`, rounded to `decimal_places`, fits a `DecimalField(max_digits,
    decimal_places)` column (the database refuses with an error what does not). The
    defaults are those of the budget's amounts."""
    if not isinstance(value, Decimal) or not value.is_finite():
        return False
    half_unit = Decimal(5).scaleb(-decimal_places - 1)
    return abs(value) + half_unit < Decimal(10) ** (max_digits - decimal_places)


def check_fits(
    value: Decimal,
    field_name: str | None = None,
    *,
    max_digits: int = 12,
    decimal_places: int = 2,
    message=None,
) -> Decimal:
    """`value` when it `fits` the column; otherwise a ValidationError ("Ce montant est trop
    élevé.", or `message`), on `field_name` when given."""
    if fits(value, max_digits, decimal_places):
        return value
    message = message or _("Ce montant est trop élevé.")
    raise ValidationError({field_name: message} if field_name else message)


def plain(value) -> str:
    """The amount for a spreadsheet: "1234,56" (decimal comma, no thousands separator)."""
    return f"{cents(value):f}".replace(".", ",")


def euros(value) -> str:
    """The amount for a reader: "1 234,56 €" (a narrow no-break space between thousands, a
    no-break space before the sign)."""
    amount = cents(value or 0)
    sign = "-" if amount < 0 else ""
    units, _, decimals = f"{abs(amount):f}".partition(".")
    groups = []
    while units:
        groups.insert(0, units[-3:])
        units = units[:-3]
    return f"{sign}{THOUSANDS.join(groups)},{decimals}{NBSP}€"
