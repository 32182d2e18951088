"""Validation of French identifiers, with messages a French health professional understands.

Each validator normalises (spaces, dots and dashes removed, upper case) and raises
ValidationError with a precise French message. `normalize_*` helpers return the canonical form
to store.
"""

import re
import unicodedata
from datetime import date

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum import luhn
from stdnum.exceptions import InvalidChecksum
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import nir as stdnum_nir
from stdnum.fr import siret as stdnum_siret

from ess.models import Departement

_SEPARATORS = re.compile(r"[\s.\-/]")


def _compact(value: str) -> str:
    return _SEPARATORS.sub("", value or "").upper()


# Letters the decomposition leaves whole, written as identity vigilance writes them.
_LIGATURES = str.maketrans({"Œ": "OE", "Æ": "AE", "ß": "SS"})


def identity_name(value: str) -> str:
    """A name or first names as the identity traits hold them (the national identity vigilance
    rules): upper case without accents or ligatures, single spaces ("Éloïse  Lœtitia" is
    "ELOISE LOETITIA"). Searches fold what is typed the same way."""
    decomposed = unicodedata.normalize("NFKD", " ".join((value or "").split()).upper())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return plain.translate(_LIGATURES)


def normalize_nir(value: str) -> str:
    return _compact(value)


def _require(ok: bool, message, code: str) -> None:
    if not ok:
        raise ValidationError(message, code=code)


def validate_nir(value: str) -> None:
    """NIR/INS: 13 characters + a 2-digit key = 97 - (number mod 97); 2A/2B count as 19/18."""
    nir = _compact(value)
    _require(
        len(nir) == 15,
        _("Le NIR/INS doit comporter 15 caractères (13 + clé de 2 chiffres) ; %(n)s saisis.")
        % {"n": len(nir)},
        "nir_length",
    )
    _require(
        re.fullmatch(r"[12378]\d{4}(\d{2}|2A|2B)\d{6}\d{2}", nir) is not None,
        _(
            "Le NIR/INS ne suit pas le format attendu (sexe, année, mois, lieu de naissance, "
            "rang, clé)."
        ),
        "nir_format",
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


def _require_digits_and_key(number: str, digits: int, key_valid, messages, code: str) -> None:
    """`digits` digits, then whether `key_valid` accepts the check digit; `messages`: the
    refusal for the length and format, then for the key."""
    _require(re.fullmatch(rf"\d{{{digits}}}", number) is not None, messages[0], f"{code}_format")
    _require(key_valid(number), messages[1], f"{code}_key")


def validate_rpps(value: str) -> None:
    """RPPS: 11 digits, the last one a Luhn check digit."""
    messages = (
        _("Le numéro RPPS comporte exactement 11 chiffres."),
        _("La clé du numéro RPPS est incorrecte : vérifiez les 11 chiffres."),
    )
    _require_digits_and_key(_compact(value), 11, luhn.is_valid, messages, "rpps")


def validate_adeli(value: str) -> None:
    """ADELI: 9 characters (département code, 2A/2B allowed, then digits)."""
    _require(
        re.fullmatch(r"(\d{2}|2A|2B)\d{7}", _compact(value)) is not None,
        _(
            "Le numéro ADELI comporte 9 caractères : le département (2 caractères, 2A/2B "
            "acceptés) puis 7 chiffres."
        ),
        "adeli_format",
    )


def validate_siret(value: str) -> None:
    """SIRET: 14 digits, Luhn."""
    messages = (
        _("Le SIRET comporte exactement 14 chiffres."),
        _("La clé du SIRET est incorrecte : vérifiez les 14 chiffres."),
    )
    _require_digits_and_key(_compact(value), 14, stdnum_siret.is_valid, messages, "siret")


def normalize_identifier(value: str) -> str:
    return _compact(value)


def validate_finess(value: str) -> None:
    """FINESS: 9 characters, département code first (2A/2B allowed), last one a Luhn key.

    For the key, Corsica's 2A/2B are read as 21/22 (the convention of the FINESS register).
    """
    finess = _compact(value)
    _require(
        len(finess) == 9,
        _("Le numéro FINESS comporte exactement 9 caractères ; %(n)s saisis.") % {"n": len(finess)},
        "finess_length",
    )
    _require(
        re.fullmatch(r"(\d{2}|2A|2B)\d{7}", finess) is not None,
        _(
            "Le numéro FINESS commence par le code du département (2A/2B acceptés) suivi de "
            "7 chiffres."
        ),
        "finess_format",
    )
    _require(
        luhn.is_valid(finess.replace("2A", "21", 1).replace("2B", "22", 1)),
        _("La clé du numéro FINESS est incorrecte : vérifiez les 9 caractères."),
        "finess_key",
    )


# ---------------------------------------------------------------------------------------------
# Patient identity: birth date, birth place, phone, and the NIR/INS against the strict traits
# ---------------------------------------------------------------------------------------------
MAX_AGE_YEARS = 125


def validate_birth_date(value: date) -> None:
    """A birth date is today or in the past, and at most 125 years ago."""
    today = timezone.localdate()
    if value > today:
        raise ValidationError(
            _("La date de naissance ne peut pas être dans le futur."), code="birth_date_future"
        )
    try:
        oldest = today.replace(year=today.year - MAX_AGE_YEARS)
    except ValueError:  # 29 February
        oldest = today.replace(year=today.year - MAX_AGE_YEARS, day=28)
    if value < oldest:
        raise ValidationError(
            _("La date de naissance est trop ancienne : plus de %(max)s ans. Vérifiez l'année.")
            % {"max": MAX_AGE_YEARS},
            code="birth_date_too_old",
        )


# Départements are only ever added: one found is remembered for the life of the process (a
# submission checks its birth place in the serializer, then in the service).
_KNOWN_DEPARTEMENTS: set[str] = set()


def _departement_known(place_code: str) -> bool:
    candidates = [place_code[:2], place_code[:3]]
    if _KNOWN_DEPARTEMENTS.intersection(candidates):
        return True
    found = list(Departement.objects.filter(code__in=candidates).values_list("code", flat=True))
    _KNOWN_DEPARTEMENTS.update(found)
    return bool(found)


def normalize_birth_place_code(value: str) -> str:
    """INSEE code of the birth place: a commune of a known département (2A/2B, 97x overseas), or
    99 + country code for a person born abroad. Returns it upper-case, '' when empty."""
    code = (value or "").strip().upper()
    if not code or re.fullmatch(r"99\d{3}", code):
        return code
    if not re.fullmatch(r"(\d{2}|2A|2B)\d{3}", code) or not _departement_known(code):
        raise ValidationError(
            _(
                "Code INSEE de lieu de naissance invalide : 5 caractères, ex. 45234 (Orléans) "
                "ou 99134 (né en Espagne)."
            ),
            code="birth_place",
        )
    return code


# National numbers of the overseas departments and collectivities use the same 0 prefix as
# mainland France but their own country codes: tried in turn when a number is not a mainland one.
_FRENCH_REGIONS = ("FR", "RE", "GP", "MQ", "GF", "YT", "PM", "BL", "MF")


def normalize_phone(value: str) -> str:
    """A French number (mainland or overseas, national or +33 form) or any international number
    written with its +country code. Returns the E.164 form (+33612345678), '' when empty."""
    raw = (value or "").strip()
    if not raw:
        return ""
    regions = _FRENCH_REGIONS if not raw.startswith(("+", "00")) else ("FR",)
    for region in regions:
        try:
            number = phonenumbers.parse(raw, region)
        except phonenumbers.NumberParseException:
            break
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    raise ValidationError(
        _(
            "Numéro de téléphone invalide : ex. 06 12 34 56 78, ou +41 21 234 56 78 pour un "
            "numéro étranger."
        ),
        code="phone",
    )


def format_phone(value: str) -> str:
    """How a stored number is shown: national form for French numbers, international otherwise;
    anything that does not parse is shown as stored."""
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, "FR")
    except phonenumbers.NumberParseException:
        return value
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 33
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)


# 1/2 in a NIR, 7/8 in a NIA (number given while a registration is pending). Other first digits
# (3, for foreigners being registered) say nothing about sex: not compared.
_NIR_SEX = {"1": "M", "2": "F", "7": "M", "8": "F"}


def validate_nir_traits(
    nir: str, *, sex: str, birth_date: date, birth_place_code: str = ""
) -> None:
    """The NIR/NIA encodes some identity traits; they must agree with the ones typed (the INS
    rules of identity vigilance). Raises ValidationError keyed by the trait that disagrees.

    - 1st character: sex (1 men, 2 women; NIA: 7 men, 8 women);
    - 2nd-3rd: the last two digits of the birth year;
    - 4th-5th: the birth month, only when it is 01-12 (20, 30-42 and 50 or more stand for an
      unknown or reconstructed month, 99 for unknown: nothing to compare);
    - 6th-7th: 99 for a person born abroad, whose birth place is then a country code 99xxx. The
      converse is not checked: people born in Algeria before 1962, for example, have a
      département code in their NIR and a country code as birth place.
    """
    nir = _compact(nir)
    if len(nir) != 15:
        return
    errors: dict[str, list[str]] = {}
    sex_labels = {"M": _("masculin"), "F": _("féminin")}
    nir_sex = _NIR_SEX.get(nir[0])
    if nir_sex and sex in sex_labels and nir_sex != sex:
        errors.setdefault("sex", []).append(
            _(
                "Le sexe ne correspond pas au NIR/INS : son 1er chiffre (%(digit)s) désigne le "
                "sexe %(nir)s, le sexe saisi est %(typed)s."
            )
            % {"digit": nir[0], "nir": sex_labels[nir_sex], "typed": sex_labels[sex]}
        )
    if birth_date is not None:
        if nir[1:3] != f"{birth_date.year % 100:02d}":
            errors.setdefault("birth_date", []).append(
                _(
                    "L'année de naissance ne correspond pas au NIR/INS : ses 2e et 3e chiffres "
                    "(%(yy)s) ne sont pas la fin de l'année saisie (%(year)s)."
                )
                % {"yy": nir[1:3], "year": birth_date.year}
            )
        month = int(nir[3:5])
        if 1 <= month <= 12 and month != birth_date.month:
            errors.setdefault("birth_date", []).append(
                _(
                    "Le mois de naissance ne correspond pas au NIR/INS : ses 4e et 5e chiffres "
                    "(%(mm)s) désignent un autre mois que celui de la date saisie (%(month)02d)."
                )
                % {"mm": nir[3:5], "month": birth_date.month}
            )
    place = (birth_place_code or "").strip().upper()
    if nir[5:7] == "99" and place and not place.startswith("99"):
        errors.setdefault("birth_place_code", []).append(
            _(
                "Le lieu de naissance ne correspond pas au NIR/INS : il indique une naissance à "
                "l'étranger (99 en 6e et 7e chiffres) ; saisissez le code pays (99 + 3 chiffres, "
                "ex. 99134 pour l'Espagne)."
            )
        )
    if errors:
        raise ValidationError(errors)


LONG_TEXT_MAX_LENGTH = 10_000


def validate_long_text(value: str) -> None:
    """Free clinical text (a question, a context): a detailed letter fits; longer documents are
    attached as files."""
    if value and len(value) > LONG_TEXT_MAX_LENGTH:
        raise ValidationError(
            _(
                "Texte trop long : %(max)s caractères au plus (%(n)s saisis). Joignez les "
                "documents longs en pièce jointe."
            )
            % {"max": f"{LONG_TEXT_MAX_LENGTH:,}".replace(",", "\u202f"), "n": len(value)},
            code="too_long",
        )


def validate_mssante_address(value: str) -> None:
    """An address of the national secure health messaging space (MSSanté): its domain is
    `mssante.fr` or one under it (`medecin.mssante.fr`, `ch-orleans.mssante.fr`…), or one of the
    domains `ESS_MSSANTE_EXTRA_DOMAINS` allows (an operator's own, a test platform)."""
    if not value:
        return
    domain = value.rsplit("@", 1)[-1].lower().rstrip(".")
    allowed = ["mssante.fr", *settings.ESS_MSSANTE_EXTRA_DOMAINS]
    if not any(domain == d or domain.endswith(f".{d}") for d in allowed):
        raise ValidationError(
            _(
                "Ce n'est pas une adresse de messagerie sécurisée de santé : son domaine doit "
                "se terminer par « mssante.fr » (ex. prenom.nom@medecin.mssante.fr)."
            ),
            code="mssante_domain",
        )
