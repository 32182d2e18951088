from django.conf import settings
from django.db import migrations, models

# The audit page filters actors by the start of their address whatever the case: Django's
# `istartswith` writes UPPER("actor_email"::text) LIKE UPPER('x%'), which only an index on that
# expression with the pattern operator class can serve. Expression operator classes exist on
# PostgreSQL only; SQLite (the demo) has no such index and needs none.
ACTOR_PREFIX_INDEX = (
    "CREATE INDEX IF NOT EXISTS audit_actor_email_prefix "
    "ON ess_auditevent (UPPER(actor_email::text) text_pattern_ops)"
)


def create_actor_prefix_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ACTOR_PREFIX_INDEX)


def drop_actor_prefix_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS audit_actor_email_prefix")


class Migration(migrations.Migration):
    dependencies = [
        ("ess", "0013_notification_detail"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["object_id", "-at"], name="audit_object_id"),
        ),
        migrations.RunPython(create_actor_prefix_index, drop_actor_prefix_index),
    ]
