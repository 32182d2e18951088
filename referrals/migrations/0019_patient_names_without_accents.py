"""Patients' names as the identity traits hold them: upper case without accents or ligatures
(ess.validators.identity_name), so that a search typed without accents finds them."""

import unicodedata

from django.db import migrations

NAMES = ("birth_name", "first_names", "used_name")
LIGATURES = str.maketrans({"Œ": "OE", "Æ": "AE", "ß": "SS"})


def identity_name(value: str) -> str:
    """ess.validators.identity_name as it was when this migration was written."""
    decomposed = unicodedata.normalize("NFKD", " ".join((value or "").split()).upper())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return plain.translate(LIGATURES)


def fold_names(apps, schema_editor):
    Patient = apps.get_model("referrals", "Patient")
    changed = []
    for patient in Patient.objects.only("pk", *NAMES).iterator(chunk_size=2000):
        folded = {name: identity_name(getattr(patient, name)) for name in NAMES}
        if any(getattr(patient, name) != value for name, value in folded.items()):
            for name, value in folded.items():
                setattr(patient, name, value)
            changed.append(patient)
        if len(changed) >= 2000:
            Patient.objects.bulk_update(changed, NAMES)
            changed = []
    Patient.objects.bulk_update(changed, NAMES)


class Migration(migrations.Migration):
    dependencies = [("referrals", "0018_pending_attachment_without_account")]

    operations = [migrations.RunPython(fold_names, migrations.RunPython.noop, elidable=True)]
