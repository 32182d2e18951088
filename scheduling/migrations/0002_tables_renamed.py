# The tables taken over by scheduling 0001 get scheduling's names (their many-to-many tables
# follow, rows, keys, constraints and indexes are kept), and the content types of the moved
# models are relabelled, so their permissions (and anything else pointing at them) stay
# attached.

from django.db import migrations

MOVED = {
    'members': ['availabilityslot', 'booking', 'absence'],
    'referrals': [
        'consultationsite',
        'consultationplan',
        'consultationsession',
        'appointment',
        'swaprequest',
        'calendarfeed',
    ],
}


def _relabel(apps, schema_editor, *, forward: bool):
    ContentType = apps.get_model('contenttypes', 'ContentType')
    rows = ContentType.objects.using(schema_editor.connection.alias)
    for old_app, models in MOVED.items():
        source, target = (old_app, 'scheduling') if forward else ('scheduling', old_app)
        for model in models:
            if rows.filter(app_label=target, model=model).exists():
                continue  # already created by a post_migrate run: the other row stays unused
            rows.filter(app_label=source, model=model).update(app_label=target)


def content_types_forward(apps, schema_editor):
    _relabel(apps, schema_editor, forward=True)


def content_types_backward(apps, schema_editor):
    _relabel(apps, schema_editor, forward=False)


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('members', '0005_availability_moved_to_scheduling'),
        ('referrals', '0007_consultations_moved_to_scheduling'),
        ('scheduling', '0001_initial'),
    ]

    operations = [
        migrations.AlterModelTable(name='absence', table=None),
        migrations.AlterModelTable(name='appointment', table=None),
        migrations.AlterModelTable(name='availabilityslot', table=None),
        migrations.AlterModelTable(name='booking', table=None),
        migrations.AlterModelTable(name='calendarfeed', table=None),
        migrations.AlterModelTable(name='consultationplan', table=None),
        migrations.AlterModelTable(name='consultationsession', table=None),
        migrations.AlterModelTable(name='consultationsite', table=None),
        migrations.AlterModelTable(name='swaprequest', table=None),
        migrations.RunPython(content_types_forward, content_types_backward),
    ]
