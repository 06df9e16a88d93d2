"""Excel exports of consultations (found by core.exports through mechanisms/exports.py; large ones run in
the worker)."""

from django.utils.translation import gettext as _

from core.exports import ExportData, register_export
from mechanisms.consultation.filters import ConsultationFilterSet


@register_export("consultations")
def consultation_export_data(user, params) -> ExportData:
    rows = ConsultationFilterSet(params, user=user).qs
    return ExportData(
        _("Consultations"),
        [_("Date"), _("Topic"), _("Branch"), _("Project"), _("Lead unit"), _("Status"),
         _("Resolutions"), _("Verified"), _("Overdue"), _("Minutes")],
        (
            [c.held_on, c.topic, c.branch.name, c.project.name if c.project else "", str(c.lead_unit),
             c.get_status_display(), c.resolution_count, c.verified_count, c.overdue_count, c.minutes]
            for c in rows.iterator(chunk_size=1000)
        ),
        rows.count,
    )
