"""Excel exports of weekly reports and missing reports (found by core.exports through mechanisms/exports.py; large ones run in
the worker)."""

from django.utils.translation import gettext as _

from branches.models import full_name_of
from branches.selectors import personal_value
from core.exports import ExportData, choice_labels, register_export, value_rows
from mechanisms.weekly.filters import MissingReportFilterSet, WeeklyReportFilterSet
from mechanisms.weekly.models import WeeklyReport

# What the export reads of each report, as tuples (no model instance a row: a million rows at
# province scale, issue 14): its own columns and the two names.
_EXPORT_COLUMNS = (
    "iso_year", "iso_week", "branch__name", "branch__batch", "secretary_name", "status", "submitted_at", "is_late",
    "no_significant_change", "work_done", "problems_met", "next_week_plan", "support_needed", "reviewed_by_id",
    "reviewed_by__full_name", "reviewed_by__first_name", "reviewed_by__last_name", "reviewed_by__username",
    "review_comment",
)


@register_export("weekly_reports")
def weeklyreport_export_data(user, params) -> ExportData:
    reports = WeeklyReportFilterSet(params, user=user).qs
    headers = [
        _("Week"), _("Branch"), _("Batch"), _("Secretary"), _("Status"), _("Submitted at"), _("Late"),
        _("No significant change"), _("Work done"), _("Problems met"), _("Next week's plan"),
        _("Support needed"), _("Reviewed by"), _("Review comment"),
    ]
    # Translated once, not once a row.
    yes, no = _("Yes"), _("No")
    statuses = choice_labels(WeeklyReport, "status")
    rows = (
        [
            f"{year}-W{week:02d}", branch, batch, secretary or "", statuses.get(status, status), submitted_at,
            yes if late else no, yes if no_change else no, work_done, problems_met, next_week_plan, support_needed,
            full_name_of(full_name, first_name, last_name, username) if reviewer else "", review_comment,
        ]
        for (
            year, week, branch, batch, secretary, status, submitted_at, late, no_change, work_done, problems_met,
            next_week_plan, support_needed, reviewer, full_name, first_name, last_name, username, review_comment,
        ) in value_rows(reports, _EXPORT_COLUMNS)
    )
    title = _("Weekly reports")
    return ExportData(title, headers, rows, reports.count, {2: 30, 9: 50, 10: 40, 11: 40, 12: 30})


@register_export("weekly_missing")
def weeklyreport_missing_export_data(user, params) -> ExportData:
    filterset = MissingReportFilterSet(params, user=user)
    week, branches = filterset.chosen_week, filterset.qs
    headers = [_("Week"), _("Branch"), _("Batch"), _("Supervising Party committee"), _("Secretary"), _("Phone"), _("Draft started")]
    rows = (
        [
            week.code, b.name, b.batch, str(b.supervising_committee), b.secretary_name or "",
            personal_value(user, b.secretary_phone), _("Yes") if b.has_draft else _("No"),
        ]
        for b in branches.iterator(chunk_size=2000)
    )
    title = _("Weekly reports missing %(week)s") % {"week": week.code}
    return ExportData(title, headers, rows, branches.count, {2: 34, 4: 30})
