import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def fold(text: str) -> str:
    """Lower-case, accents dropped, hyphens and apostrophes as spaces.

    'Saint-Jean-de-Braye' and 'st jean' fold alike.
    """
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    for sep in "-'\u2019":
        text = text.replace(sep, " ")
    text = " ".join(text.split())
    return text.replace("saint ", "st ").replace("sainte ", "ste ")


def required_text(value: str | None, field: str, message) -> str:
    """`value` without its surrounding spaces; a ValidationError on `field` when nothing is
    left."""
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


def elides(word: str) -> bool:
    """Whether French elides "de", "le"… before `word`: it begins with a vowel or a mute h
    ("d'Isabelle", "d'Hélène", "d'Yves"; "de Marc")."""
    first = fold(word)[:1]
    return bool(first) and first in "aeiouyh"


def labelled(label, text) -> str:
    """`text` after its `label`, with the colon each language writes ("Motif : …", "Reason:
    …")."""
    return _("%(label)s : %(text)s") % {"label": label, "text": text}
