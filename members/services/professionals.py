"""What the national directory says of a professional, as the fields of their account: shared by
self-registration and the Pro Santé Connect sign-in, which both open accounts from it."""

from ess.models import Specialty
from ess.text import fold
from members.models import DirectoryEntry, DirectoryIdType, Profession

# "Code profession" of the directory -> the platform's professions.
PROFESSIONS = {
    "10": Profession.PHYSICIAN,
    "21": Profession.PHARMACIST,
    "50": Profession.MIDWIFE,
    "60": Profession.NURSE,
    "70": Profession.PHYSIOTHERAPIST,
}


def directory_specialty(entry: DirectoryEntry) -> Specialty | None:
    """The platform's specialty of the directory's "savoir-faire", by its label (the
    directory's wording may be longer: its first word decides)."""
    label = fold(entry.specialty_label)
    if not label:
        return None
    specialties = {fold(s.label): s for s in Specialty.objects.all()}
    if label in specialties:
        return specialties[label]
    first_word = label.split()[0]
    return next((s for f, s in specialties.items() if f.split()[0] == first_word), None)


def account_fields(entry: DirectoryEntry) -> dict:
    """The account's fields prefilled from the directory's line."""
    fields = {
        "first_name": entry.first_name,
        "last_name": entry.last_name,
        "profession": PROFESSIONS.get(entry.profession_code, Profession.OTHER),
        "specialty": directory_specialty(entry),
    }
    if entry.id_type == DirectoryIdType.RPPS:
        fields["rpps"] = entry.identifier
    else:
        fields["adeli"] = entry.identifier
    return fields
