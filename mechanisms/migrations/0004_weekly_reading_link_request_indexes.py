# Weekly report readings remember the project reading they recorded (a resubmission records
# only what changed); indexes for "awaiting a reply" and report status.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("mechanisms", "0003_problems_calendar_attachments"),
        ("projects", "0002_indicator_weight_milestone_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalweeklyreportreading",
            name="indicator_reading",
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to="projects.indicatorreading", verbose_name="recorded reading"),
        ),
        migrations.AddField(
            model_name="weeklyreportreading",
            name="indicator_reading",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to="projects.indicatorreading", verbose_name="recorded reading"),
        ),
        migrations.AlterField(
            model_name="historicalreport",
            name="status",
            field=models.CharField(choices=[("draft", "Draft"), ("submitted", "Submitted"), ("acknowledged", "Acknowledged by the department")], db_index=True, default="draft", max_length=20, verbose_name="status"),
        ),
        migrations.AlterField(
            model_name="report",
            name="status",
            field=models.CharField(choices=[("draft", "Draft"), ("submitted", "Submitted"), ("acknowledged", "Acknowledged by the department")], db_index=True, default="draft", max_length=20, verbose_name="status"),
        ),
        migrations.AddIndex(
            model_name="decisionrequest",
            index=models.Index(fields=["status", "reply_due_on"], name="decision_request_status_due"),
        ),
    ]
