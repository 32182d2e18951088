"""Euros as `Decimal`, to the cent: French display ("1 234,56 €") and French input ("1 234,56",
"1234.56"), for every app that counts money (the budget, membership fees). Never a float."""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

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
