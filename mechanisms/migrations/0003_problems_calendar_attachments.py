# Written by hand with the operations `makemigrations` generated for the problem, calendar and
# attachment models only: other mechanism models were mid-change by their owners.
#
# Attachment: its record is now record_type/record_id, because AttachmentBase's
# ``content_type`` is the file's MIME type (the generic key had hidden it).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("mechanisms", "0002_dispatch_consultation_tracking"),
    ]

    operations = [
        # ---- attachments
        migrations.RemoveIndex(model_name="attachment", name="attachment_target"),
        migrations.RenameField(model_name="attachment", old_name="object_id", new_name="record_id"),
        migrations.RenameField(model_name="attachment", old_name="content_type", new_name="record_type"),
        migrations.AlterField(
            model_name="attachment",
            name="record_type",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, to="contenttypes.contenttype", verbose_name="record type"
            ),
        ),
        migrations.AddField(
            model_name="attachment",
            name="content_type",
            field=models.CharField(default="application/octet-stream", max_length=100, verbose_name="content type"),
            preserve_default=False,
        ),
        migrations.AddIndex(
            model_name="attachment",
            index=models.Index(fields=["record_type", "record_id"], name="attachment_target"),
        ),
        # ---- working-day calendar
        migrations.AddField(
            model_name="calendarday",
            name="is_provisional",
            field=models.BooleanField(
                default=False,
                help_text="Projected, not yet confirmed by the State Council notice.",
                verbose_name="provisional",
            ),
        ),
        migrations.AddField(
            model_name="historicalcalendarday",
            name="is_provisional",
            field=models.BooleanField(
                default=False,
                help_text="Projected, not yet confirmed by the State Council notice.",
                verbose_name="provisional",
            ),
        ),
        # ---- deadline extensions
        migrations.AddField(
            model_name="deadlineextension",
            name="decision_note",
            field=models.TextField(blank=True, verbose_name="decision remarks"),
        ),
        migrations.AddField(
            model_name="deadlineextension",
            name="previous_deadline",
            field=models.DateField(blank=True, null=True, verbose_name="deadline when asked"),
        ),
        migrations.AddField(
            model_name="historicaldeadlineextension",
            name="decision_note",
            field=models.TextField(blank=True, verbose_name="decision remarks"),
        ),
        migrations.AddField(
            model_name="historicaldeadlineextension",
            name="previous_deadline",
            field=models.DateField(blank=True, null=True, verbose_name="deadline when asked"),
        ),
        # ---- problems
        migrations.AddField(
            model_name="problemcase",
            name="dispatch",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="problems",
                to="mechanisms.dispatch",
                verbose_name="raised at dispatch session",
            ),
        ),
        migrations.AddField(
            model_name="problemcase",
            name="objected_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="objected at"),
        ),
        migrations.AddField(
            model_name="problemcase",
            name="verification_note",
            field=models.TextField(blank=True, verbose_name="verification remarks"),
        ),
        migrations.AddField(
            model_name="historicalproblemcase",
            name="dispatch",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="mechanisms.dispatch",
                verbose_name="raised at dispatch session",
            ),
        ),
        migrations.AddField(
            model_name="historicalproblemcase",
            name="objected_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="objected at"),
        ),
        migrations.AddField(
            model_name="historicalproblemcase",
            name="verification_note",
            field=models.TextField(blank=True, verbose_name="verification remarks"),
        ),
        migrations.AddConstraint(
            model_name="problemcase",
            constraint=models.CheckConstraint(
                condition=models.Q(("source", "enterprise"), ("satisfaction", ""), _connector="OR"),
                name="problem_satisfaction_only_for_whistle",
                violation_error_message="Only an enterprise whistle records the enterprise's satisfaction.",
            ),
        ),
        migrations.AddConstraint(
            model_name="problemcase",
            constraint=models.CheckConstraint(
                condition=models.Q(("satisfaction", ""), ("source", "enterprise"), ("status", "closed"), _negated=True),
                name="problem_closed_whistle_has_satisfaction",
                violation_error_message="Record the enterprise's satisfaction before closing a whistle case.",
            ),
        ),
    ]
