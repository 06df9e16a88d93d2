# Written by hand with the operations `makemigrations` generated for the dispatch and
# consultation models only: other mechanism models were mid-change by their owners.

import datetime

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def fill_acknowledge_alert_on(apps, schema_editor):
    Instruction = apps.get_model("mechanisms", "Instruction")
    for row in Instruction.objects.filter(acknowledge_alert_on__isnull=True).only("pk", "issued_on", "deadline"):
        span = max(0, (row.deadline - row.issued_on).days)
        Instruction.objects.filter(pk=row.pk).update(
            acknowledge_alert_on=row.issued_on + datetime.timedelta(days=(3 * span) // 4 + 1)
        )


class Migration(migrations.Migration):

    dependencies = [
        ("mechanisms", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="consultation",
            name="closed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="closed at"),
        ),
        migrations.AddField(
            model_name="historicalconsultation",
            name="closed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="closed at"),
        ),
        migrations.AddField(
            model_name="historicalinstruction",
            name="acknowledge_alert_on",
            field=models.DateField(editable=False, help_text="From this day an instruction not yet acknowledged shows yellow (75 % of its time has passed).", null=True, verbose_name="unacknowledged alert from"),
        ),
        migrations.AddField(
            model_name="historicalresolution",
            name="verified_by",
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="verified by"),
        ),
        migrations.AddField(
            model_name="instruction",
            name="acknowledge_alert_on",
            field=models.DateField(editable=False, help_text="From this day an instruction not yet acknowledged shows yellow (75 % of its time has passed).", null=True, verbose_name="unacknowledged alert from"),
        ),
        migrations.AddField(
            model_name="resolution",
            name="verified_by",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="verified by"),
        ),
        migrations.AddIndex(
            model_name="instruction",
            index=models.Index(fields=["assignee_unit", "status"], name="instruction_unit_status"),
        ),
        migrations.AddIndex(
            model_name="resolution",
            index=models.Index(fields=["owner_unit", "status"], name="resolution_unit_status"),
        ),
        migrations.RunPython(fill_acknowledge_alert_on, migrations.RunPython.noop),
    ]
