"""The association's legal identity (RNA number, SIRET, seat, signatory) and its statutes."""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from association import permissions as perms
from association.models import LegalIdentity, Statutes
from ess.permissions import require
from ess.uploads import check_uploads
from ess.validators import validate_siret

RNA_PATTERN = re.compile(r"^W\d{9}$")


def clean_rna(value: str) -> str:
    """An RNA number: W and nine digits ("W451234567"); spaces are dropped, the W uppercased."""
    rna = re.sub(r"\s", "", value or "").upper()
    if rna and not RNA_PATTERN.match(rna):
        raise ValidationError(
            {"rna": _("Le numéro RNA s'écrit W suivi de 9 chiffres (ex. : W451234567).")}
        )
    return rna


@transaction.atomic
def legal_identity_update(
    *,
    by,
    rna: str = "",
    siret: str = "",
    seat_address: str = "",
    signatory_name: str = "",
    signatory_function: str = "",
) -> LegalIdentity:
    """Record the association's legal identity (the management: PermissionDenied otherwise).
    The RNA number is W and 9 digits, the SIRET 14 digits with a valid key (ValidationError
    naming the field)."""
    require(perms.can_manage_association(by))
    rna = clean_rna(rna)
    siret = re.sub(r"\s", "", siret or "")
    if siret:
        try:
            validate_siret(siret)
        except ValidationError as exc:
            raise ValidationError({"siret": exc.messages}) from exc
    identity, _created = LegalIdentity.objects.select_for_update().get_or_create(pk=1)
    identity.rna = rna
    identity.siret = siret
    identity.seat_address = (seat_address or "").strip()
    identity.signatory_name = (signatory_name or "").strip()
    identity.signatory_function = (signatory_function or "").strip()
    identity.save()
    return identity


@transaction.atomic
def statutes_upload(*, by, upload) -> Statutes:
    """Store a new version of the statutes, checked by their content (ess.uploads) and kept as
    a PDF; earlier versions are kept. Raises PermissionDenied, ValidationError."""
    require(perms.can_manage_association(by))
    if upload is None:
        raise ValidationError({"statutes": _("Choisissez le fichier des statuts.")})
    (checked,) = check_uploads([upload])
    if checked.content_type != "application/pdf":
        raise ValidationError(
            {
                "statutes": _("Les statuts se déposent en PDF (« %(name)s » n'en est pas un).")
                % {"name": checked.name}
            }
        )
    statutes = Statutes(uploaded_by=by)
    statutes.keep(checked)
    statutes.save()
    return statutes
