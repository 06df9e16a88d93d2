"""Excel exports of projects (found by core.exports' autodiscovery of each app's exports module;
large ones run in the worker)."""

from django.utils.translation import gettext as _

from core.exports import ExportData, register_export
from projects.filters import ProjectFilterSet
from projects.models import forecast_label


@register_export("projects")
def project_export_data(user, params) -> ExportData:
    """The project list's rows for ``user`` and the list's filters (core.exports builds the file)."""
    projects = ProjectFilterSet(params, user=user).qs
    headers = [
        _("Project"), _("Branch"), _("Batch"), _("Front"), _("Field"), _("Status"), _("Traffic light"),
        _("Progress (%)"), _("Start"), _("Deadline"), _("Forecast completion"), _("Lead unit"),
        _("Dispatch chief"), _("Dispatch cadence"),
    ]
    rows = (
        [
            p.name, p.branch.name, p.branch.batch, p.get_front_display(), p.field.name, p.get_status_display(),
            p.get_light_display(), round(float(p.progress) * 100, 1), p.start_on, p.deadline,
            forecast_label(p.forecast_state, p.forecast_on),
            str(p.lead_unit), p.dispatch_chief.get_full_name() if p.dispatch_chief_id else "",
            p.get_dispatch_cadence_display(),
        ]
        for p in projects.iterator(chunk_size=2000)
    )
    return ExportData(_("Task-force projects"), headers, rows, projects.count, {1: 36, 2: 30, 12: 24})
