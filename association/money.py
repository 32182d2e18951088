"""Euros as the French write them: « 1 234,50 € » (a narrow no-break space between thousands)."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CENT = Decimal("0.01")
THOUSANDS = "\u202f"  # narrow no-break space


def euros(amount: Decimal | None) -> str:
    if amount is None:
        return ""
    value = Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)
    sign = "-" if value < 0 else ""
    units, cents = f"{abs(value):.2f}".split(".")
    groups = []
    while units:
        groups.insert(0, units[-3:])
        units = units[:-3]
    return f"{sign}{THOUSANDS.join(groups)},{cents}\u00a0€"


def parse_euros(value, field: str) -> Decimal:
    """An amount typed in euros ("35", "35,50", "1 234.5") as a Decimal to the cent; a
    ValidationError on `field` otherwise. Never a float."""
    if isinstance(value, Decimal):
        amount = value
    else:
        text = str(value or "").replace("\u202f", "").replace("\u00a0", "").replace(" ", "")
        text = text.replace("€", "").replace(",", ".")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            amount = None
    if amount is None or not amount.is_finite() or amount <= 0:
        raise ValidationError({field: _("Indiquez un montant en euros supérieur à zéro.")})
    if amount != amount.quantize(CENT):
        raise ValidationError({field: _("Le montant s'arrête aux centimes.")})
    if amount >= Decimal("1000000"):
        raise ValidationError({field: _("Ce montant est trop élevé.")})
    return amount.quantize(CENT)
