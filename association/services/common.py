"""What the association's services share: the assembly's row lock, the member named in a form,
and a share typed as a fraction (a quorum, a qualified majority)."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from association.models import GeneralAssembly
from association.selectors import active_members
from ess import workflow
from members.models import Membership


def locked(assembly_id: int) -> GeneralAssembly:
    return workflow.locked(GeneralAssembly, assembly_id)


def active_member(membership_id) -> Membership:
    """The active member of that id; a ValidationError on "membership" otherwise."""
    membership = active_members().filter(pk=membership_id).first()
    if membership is None:
        raise ValidationError({"membership": _("Choisissez un membre actif de l'association.")})
    return membership


def fraction(value, field: str, message: str, *, low: Decimal, optional: bool = False):
    """A share above `low` and up to 1 ("0,5", "0.67"), to the hundredth; a ValidationError on
    `field` with `message` otherwise, or None when `optional` and not given."""
    if value in (None, "") and optional:
        return None
    try:
        share = Decimal(str(value).replace(",", "."))
    except InvalidOperation:
        share = None
    if share is None or not share.is_finite() or not (low < share <= 1):
        raise ValidationError({field: message})
    return share.quantize(Decimal("0.01"))
