from django.db import migrations

SPECIALTIES = [
    ("allergologie", "Allergologie"),
    ("cardiologie", "Cardiologie et maladies vasculaires"),
    ("dermatologie", "Dermatologie et vénéréologie"),
    ("endocrinologie", "Endocrinologie, diabétologie, nutrition"),
    ("gastro-enterologie", "Gastro-entérologie et hépatologie"),
    ("geriatrie", "Gériatrie"),
    ("gynecologie", "Gynécologie médicale"),
    ("hematologie", "Hématologie"),
    ("medecine-generale", "Médecine générale"),
    ("medecine-interne", "Médecine interne"),
    ("medecine-physique", "Médecine physique et de réadaptation"),
    ("nephrologie", "Néphrologie"),
    ("neurologie", "Neurologie"),
    ("oncologie", "Oncologie médicale"),
    ("ophtalmologie", "Ophtalmologie"),
    ("orl", "Oto-rhino-laryngologie"),
    ("pediatrie", "Pédiatrie"),
    ("pneumologie", "Pneumologie"),
    ("psychiatrie", "Psychiatrie"),
    ("rhumatologie", "Rhumatologie"),
    ("urologie", "Urologie"),
]


def load(apps, schema_editor):
    from ess.territory import territory_load

    territory_load(apps=apps)
    Specialty = apps.get_model("ess", "Specialty")
    for code, label in SPECIALTIES:
        Specialty.objects.get_or_create(code=code, defaults={"label": label})


class Migration(migrations.Migration):
    dependencies = [("ess", "0002_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop, elidable=True)]
