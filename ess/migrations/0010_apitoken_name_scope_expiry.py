import uuid
from datetime import timedelta

from django.db import migrations, models

# Tokens issued before expiry existed stay valid for this long after their creation.
EXISTING_TOKEN_DAYS = 90


def fill_existing_tokens(apps, schema_editor):
    ApiToken = apps.get_model("ess", "ApiToken")
    for token in ApiToken.objects.all():
        token.public_id = uuid.uuid4()
        token.expires_at = token.created_at + timedelta(days=EXISTING_TOKEN_DAYS)
        token.save(update_fields=["public_id", "expires_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("ess", "0009_notification_kinds_merged"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="public_id",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True, verbose_name="expire le"),
        ),
        migrations.RunPython(fill_existing_tokens, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="apitoken",
            name="public_id",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(verbose_name="expire le"),
        ),
        # Until now tokens were issued by the command only, with full access.
        migrations.AddField(
            model_name="apitoken",
            name="name",
            field=models.CharField(
                default="Jeton émis en ligne de commande", max_length=100, verbose_name="nom"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="apitoken",
            name="scope",
            field=models.CharField(
                choices=[("read", "Lecture seule"), ("read_write", "Lecture et écriture")],
                default="read_write",
                max_length=10,
                verbose_name="portée",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="apitoken",
            name="last_used_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="dernière utilisation"
            ),
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, verbose_name="créé le"),
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="revoked_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="révoqué le"),
        ),
        migrations.AlterModelOptions(
            name="apitoken",
            options={
                "ordering": ["-created_at", "-pk"],
                "verbose_name": "jeton d'API",
                "verbose_name_plural": "jetons d'API",
            },
        ),
        migrations.AddConstraint(
            model_name="apitoken",
            constraint=models.CheckConstraint(
                condition=models.Q(("scope__in", ["read", "read_write"])),
                name="apitoken_scope_known",
            ),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="via",
            field=models.CharField(blank=True, default="", max_length=20, verbose_name="accès"),
            preserve_default=False,
        ),
    ]
