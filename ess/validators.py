"""Validation of French identifiers, with messages a French health professional understands.

Each validator normalises (spaces, dots and dashes removed, upper case) and raises
ValidationError with a precise French message. `normalize_*` helpers return the canonical form
to store.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import luhn
from stdnum.exceptions import InvalidChecksum
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import nir as stdnum_nir
from stdnum.fr import siret as stdnum_siret

_SEPARATORS = re.compile(r"[\s.\-/]")


def _compact(value: str) -> str:
    return _SEPARATORS.sub("", value or "").upper()


def normalize_nir(value: str) -> str:
    return _compact(value)


def validate_nir(value: str) -> None:
    """NIR/INS: 13 characters + a 2-digit key = 97 - (number mod 97); 2A/2B count as 19/18."""
    nir = _compact(value)
    if len(nir) != 15:
        raise ValidationError(
            _("Le NIR/INS doit comporter 15 caractères (13 + clé de 2 chiffres) ; %(n)s saisis.")
            % {"n": len(nir)},
            code="nir_length",
        )
    if not re.fullmatch(r"[12378]\d{4}(\d{2}|2A|2B)\d{6}\d{2}", nir):
        raise ValidationError(
            _(
                "Le NIR/INS ne suit pas le format attendu (sexe, année, mois, lieu de naissance, "
                "rang, clé)."
            ),
            code="nir_format",
        )
    try:
        stdnum_nir.validate(nir)
    except InvalidChecksum:
        raise ValidationError(
            _(
                "La clé du NIR/INS est incorrecte : vérifiez les 15 caractères sur la carte Vitale "
                "ou l'attestation de droits."
            ),
            code="nir_key",
        ) from None
    except StdnumError:
        raise ValidationError(_("Le NIR/INS n'est pas valide."), code="nir_invalid") from None


def validate_rpps(value: str) -> None:
    """RPPS: 11 digits, the last one a Luhn check digit."""
    rpps = _compact(value)
    if not re.fullmatch(r"\d{11}", rpps):
        raise ValidationError(
            _("Le numéro RPPS comporte exactement 11 chiffres."), code="rpps_format"
        )
    if not luhn.is_valid(rpps):
        raise ValidationError(
            _("La clé du numéro RPPS est incorrecte : vérifiez les 11 chiffres."), code="rpps_key"
        )


def validate_adeli(value: str) -> None:
    """ADELI: 9 characters (département code, 2A/2B allowed, then digits)."""
    adeli = _compact(value)
    if not re.fullmatch(r"(\d{2}|2A|2B)\d{7}", adeli):
        raise ValidationError(
            _(
                "Le numéro ADELI comporte 9 caractères : le département (2 caractères, 2A/2B "
                "acceptés) puis 7 chiffres."
            ),
            code="adeli_format",
        )


def validate_siret(value: str) -> None:
    """SIRET: 14 digits, Luhn."""
    siret = _compact(value)
    if not re.fullmatch(r"\d{14}", siret):
        raise ValidationError(_("Le SIRET comporte exactement 14 chiffres."), code="siret_format")
    if not stdnum_siret.is_valid(siret):
        raise ValidationError(
            _("La clé du SIRET est incorrecte : vérifiez les 14 chiffres."), code="siret_key"
        )


def normalize_identifier(value: str) -> str:
    return _compact(value)


def validate_finess(value: str) -> None:
    """FINESS: 9 characters, département code first (2A/2B allowed), last one a Luhn key.

    For the key, Corsica's 2A/2B are read as 21/22 (the convention of the FINESS register).
    """
    finess = _compact(value)
    if len(finess) != 9:
        raise ValidationError(
            _("Le numéro FINESS comporte exactement 9 caractères ; %(n)s saisis.")
            % {"n": len(finess)},
            code="finess_length",
        )
    if not re.fullmatch(r"(\d{2}|2A|2B)\d{7}", finess):
        raise ValidationError(
            _(
                "Le numéro FINESS commence par le code du département (2A/2B acceptés) suivi de "
                "7 chiffres."
            ),
            code="finess_format",
        )
    if not luhn.is_valid(finess.replace("2A", "21", 1).replace("2B", "22", 1)):
        raise ValidationError(
            _("La clé du numéro FINESS est incorrecte : vérifiez les 9 caractères."),
            code="finess_key",
        )
