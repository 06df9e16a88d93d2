"""Excel exports of problem cases (found by core.exports through mechanisms/exports.py; large ones run in
the worker)."""

from django.utils.translation import gettext as _

from core.exports import ExportData, register_export
from mechanisms.problems.filters import ProblemFilterSet


@register_export("problems")
def problem_export_data(user, params) -> ExportData:
    """The problem list's rows for ``user`` and the list's filters (core.exports builds the file)."""
    problems = ProblemFilterSet(params, user=user).qs
    headers = [
        _("No."), _("Title"), _("Branch"), _("Project"), _("Category"), _("Severity"), _("Source"),
        _("Enterprise"), _("Status"), _("Responsible unit"), _("Deadline"), _("Overdue"), _("Reported at"),
        _("Analysed at"), _("Resolved at"), _("Verified at"), _("Enterprise satisfaction"), _("Description"),
    ]
    rows = (
        [
            p.pk, p.title, p.branch.name, p.project.name if p.project else "", p.get_category_display(),
            p.get_severity_display(), p.get_source_display(), p.enterprise_name, p.get_status_display(),
            p.responsible_unit.name if p.responsible_unit else "", p.deadline, _("Yes") if p.is_overdue else "",
            p.created_at, p.analysed_at, p.resolved_at, p.verified_at, p.get_satisfaction_display(), p.description,
        ]
        for p in problems.iterator(chunk_size=2000)
    )
    return ExportData(_("Problems"), headers, rows, problems.count, {2: 36, 3: 28, 4: 28, 10: 24, 18: 60})
