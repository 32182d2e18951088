from django.db import migrations

def load(apps, schema_editor):
    from ess.territory import specialties_load, territory_load

    territory_load(apps=apps)
    specialties_load(apps=apps)


class Migration(migrations.Migration):
    dependencies = [("ess", "0002_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop, elidable=True)]
