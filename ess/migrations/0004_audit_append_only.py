"""On PostgreSQL the audit trail is append-only at the database level too."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION ess_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = 'ess_auditevent is append-only: ' || TG_OP || ' refused';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER ess_auditevent_append_only
    BEFORE UPDATE OR DELETE ON ess_auditevent
    FOR EACH ROW EXECUTE FUNCTION ess_auditevent_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS ess_auditevent_append_only ON ess_auditevent;
DROP FUNCTION IF EXISTS ess_auditevent_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("ess", "0003_reference_data")]

    operations = [migrations.RunPython(forwards, backwards)]
