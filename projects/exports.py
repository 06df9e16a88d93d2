"""Excel exports of projects (found by core.exports' autodiscovery of each app's exports module;
large ones run in the worker)."""

from django.utils.translation import gettext as _

from branches.models import full_name_of
from core.exports import ExportData, choice_labels, register_export, value_rows
from projects.filters import ProjectFilterSet
from projects.models import Project, forecast_label

# What a row reads, as a tuple (no project, branch, field, unit and user instances a row).
_EXPORT_COLUMNS = (
    "name", "branch__name", "branch__batch", "front", "field__name", "status", "light", "progress", "start_on",
    "deadline", "forecast_state", "forecast_on", "lead_unit__short_name", "lead_unit__name", "dispatch_chief_id",
    "dispatch_chief__full_name", "dispatch_chief__first_name", "dispatch_chief__last_name", "dispatch_chief__username",
    "dispatch_cadence",
)


@register_export("projects")
def project_export_data(user, params) -> ExportData:
    """The project list's rows for ``user`` and the list's filters (core.exports builds the file)."""
    projects = ProjectFilterSet(params, user=user).qs
    headers = [
        _("Project"), _("Branch"), _("Batch"), _("Front"), _("Field"), _("Status"), _("Traffic light"),
        _("Progress (%)"), _("Start"), _("Deadline"), _("Forecast completion"), _("Lead unit"),
        _("Dispatch chief"), _("Dispatch cadence"),
    ]
    fronts, statuses, lights, cadences = (
        choice_labels(Project, name) for name in ("front", "status", "light", "dispatch_cadence")
    )
    rows = (
        [
            name, branch, batch, fronts.get(front, front), field, statuses.get(status, status),
            lights.get(light, light), round(float(progress) * 100, 1), start_on, deadline,
            forecast_label(forecast_state, forecast_on),
            unit_short_name or unit_name,  # str(Organization)
            full_name_of(full_name, first_name, last_name, username) if chief else "",
            cadences.get(cadence, cadence),
        ]
        for (
            name, branch, batch, front, field, status, light, progress, start_on, deadline, forecast_state,
            forecast_on, unit_short_name, unit_name, chief, full_name, first_name, last_name, username, cadence,
        ) in value_rows(projects, _EXPORT_COLUMNS)
    )
    return ExportData(_("Task-force projects"), headers, rows, projects.count, {1: 36, 2: 30, 12: 24})
