# Attachments are downloaded by a random key, not their sequential id: add the key, give every
# existing attachment its own, then make it unique (a callable default in AddField would give
# every existing row the same value).

from django.db import migrations, models

import mechanisms.common.models


def fill_tokens(apps, schema_editor):
    Attachment = apps.get_model("mechanisms", "Attachment")
    for attachment in Attachment.objects.filter(token__isnull=True).only("pk").iterator():
        Attachment.objects.filter(pk=attachment.pk).update(token=mechanisms.common.models.attachment_token())


class Migration(migrations.Migration):
    dependencies = [
        ("mechanisms", "0008_instruction_alert_help_text"),
    ]

    operations = [
        migrations.AddField(
            model_name="attachment",
            name="token",
            field=models.CharField(editable=False, max_length=40, null=True, verbose_name="download key"),
        ),
        migrations.RunPython(fill_tokens, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="attachment",
            name="token",
            field=models.CharField(
                default=mechanisms.common.models.attachment_token,
                editable=False,
                max_length=40,
                unique=True,
                verbose_name="download key",
            ),
        ),
    ]
