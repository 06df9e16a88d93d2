"""Excel exports of problem cases (found by core.exports through mechanisms/exports.py; large ones run in
the worker)."""

from django.utils.translation import gettext as _

from core.exports import ExportData, choice_labels, register_export, value_rows
from mechanisms.problems.filters import ProblemFilterSet
from mechanisms.problems.models import ProblemCase

# What a row reads, as a tuple (no problem, branch, project and unit instances a row).
_EXPORT_COLUMNS = (
    "pk", "title", "branch__name", "project__name", "category", "severity", "source", "enterprise_name", "status",
    "responsible_unit__name", "deadline", "is_overdue", "created_at", "analysed_at", "resolved_at", "verified_at",
    "satisfaction", "description",
)


@register_export("problems")
def problem_export_data(user, params) -> ExportData:
    """The problem list's rows for ``user`` and the list's filters (core.exports builds the file)."""
    problems = ProblemFilterSet(params, user=user).qs
    headers = [
        _("No."), _("Title"), _("Branch"), _("Project"), _("Category"), _("Severity"), _("Source"),
        _("Enterprise"), _("Status"), _("Responsible unit"), _("Deadline"), _("Overdue"), _("Reported at"),
        _("Analysed at"), _("Resolved at"), _("Verified at"), _("Enterprise satisfaction"), _("Description"),
    ]
    categories, severities, sources, statuses, satisfactions = (
        choice_labels(ProblemCase, name) for name in ("category", "severity", "source", "status", "satisfaction")
    )
    yes = _("Yes")
    rows = (
        [
            pk, title, branch, project or "", categories.get(category, category), severities.get(severity, severity),
            sources.get(source, source), enterprise, statuses.get(status, status), unit or "", deadline,
            yes if overdue else "", created_at, analysed_at, resolved_at, verified_at,
            satisfactions.get(satisfaction, satisfaction), description,
        ]
        for (
            pk, title, branch, project, category, severity, source, enterprise, status, unit, deadline, overdue,
            created_at, analysed_at, resolved_at, verified_at, satisfaction, description,
        ) in value_rows(problems, _EXPORT_COLUMNS)
    )
    return ExportData(_("Problems"), headers, rows, problems.count, {2: 36, 3: 28, 4: 28, 10: 24, 18: 60})
