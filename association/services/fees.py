"""Membership fees: the amount of each year, and each member's payment of it."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from association import permissions as perms
from association.models import FeePayment, FeeYear, PaymentMeans
from association.services.common import active_member
from ess.errors import Conflict
from ess.money import check_fits, parse_amount
from ess.permissions import require


def _fee_amount(value) -> Decimal:
    """A fee typed in euros ("35", "35,50", "1 234,5") or given as a Decimal, to the cent; a
    ValidationError on "amount" otherwise. Never a float."""
    amount = parse_amount(str(value if value is not None else ""))
    if amount is None or amount <= 0:
        raise ValidationError(
            {"amount": _("Indiquez un montant en euros supérieur à zéro, au centime près.")}
        )
    return check_fits(amount, "amount", max_digits=8, decimal_places=2)


def _year(year) -> int:
    try:
        year = int(year)
    except (TypeError, ValueError):
        year = 0
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Indiquez une année (ex. : 2026).")})
    return year


@transaction.atomic
def fee_year_set(*, by, year, amount) -> FeeYear:
    """Set the fee of a year (Decimal euros). Once a member has paid it, the amount no longer
    changes (Conflict)."""
    require(perms.can_manage_association(by))
    year = _year(year)
    amount = _fee_amount(amount)
    fee_year = FeeYear.objects.select_for_update().filter(year=year).first()
    if fee_year is None:
        return FeeYear.objects.create(year=year, amount=amount)
    if fee_year.amount == amount:
        return fee_year
    if fee_year.payments.exists():
        raise Conflict(
            _("Des membres ont déjà payé la cotisation %(year)s : son montant ne change plus.")
            % {"year": year}
        )
    fee_year.amount = amount
    fee_year.save(update_fields=["amount"])
    return fee_year


@transaction.atomic
def fee_payment_record(
    *, by, year, membership_id: int, paid_on: date, amount=None, means: str
) -> FeePayment:
    """Record a member's fee for a year (once: a second payment is refused), by default the
    year's amount, paid during that year or since. Raises PermissionDenied, ValidationError."""
    require(perms.can_manage_association(by))
    year = _year(year)
    fee_year = FeeYear.objects.select_for_update().filter(year=year).first()
    if fee_year is None:
        raise ValidationError(
            {"year": _("Fixez d'abord le montant de la cotisation %(year)s.") % {"year": year}}
        )
    membership = active_member(membership_id)
    if means not in PaymentMeans.values:
        raise ValidationError({"means": _("Choisissez le moyen de paiement.")})
    if paid_on is None:
        raise ValidationError({"paid_on": _("Indiquez la date du paiement.")})
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": _("La date du paiement ne peut pas être à venir.")})
    if paid_on.year < year - 1:  # paid in advance during the year before, at the earliest
        raise ValidationError(
            {
                "paid_on": _(
                    "Un paiement de la cotisation %(year)s date de %(before)s au plus tôt "
                    "(une cotisation se paie au plus tôt l'année qui la précède)."
                )
                % {"year": year, "before": year - 1}
            }
        )
    amount = fee_year.amount if amount in (None, "") else _fee_amount(amount)
    if fee_year.payments.filter(membership=membership).exists():
        raise ValidationError(
            {
                "membership": _("%(name)s a déjà payé la cotisation %(year)s.")
                % {"name": membership.display_name, "year": year}
            }
        )
    return FeePayment.objects.create(
        fee_year=fee_year,
        membership=membership,
        paid_on=paid_on,
        amount=amount,
        means=means,
        recorded_by=by,
    )
