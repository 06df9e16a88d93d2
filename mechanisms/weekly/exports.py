"""Excel exports of weekly reports and missing reports (found by core.exports through mechanisms/exports.py; large ones run in
the worker)."""

from django.utils.translation import gettext as _

from branches.selectors import personal_value
from core.exports import ExportData, register_export
from mechanisms.weekly.filters import MissingReportFilterSet, WeeklyReportFilterSet
from mechanisms.weekly.models import WeeklyReportStatus

# What the export reads of each report: its own columns and the two names, not every field of the
# report, its branch and two users (a million rows at province scale, issue 14).
_EXPORT_FIELDS = (
    "iso_year", "iso_week", "status", "submitted_at", "is_late", "no_significant_change", "work_done", "problems_met",
    "next_week_plan", "support_needed", "review_comment", "branch__name", "branch__batch", "reviewed_by__username",
    "reviewed_by__full_name", "reviewed_by__first_name", "reviewed_by__last_name",
)


@register_export("weekly_reports")
def weeklyreport_export_data(user, params) -> ExportData:
    reports = WeeklyReportFilterSet(params, user=user).qs
    reports = reports.select_related(None).select_related("branch", "reviewed_by").only(*_EXPORT_FIELDS)
    headers = [
        _("Week"), _("Branch"), _("Batch"), _("Secretary"), _("Status"), _("Submitted at"), _("Late"),
        _("No significant change"), _("Work done"), _("Problems met"), _("Next week's plan"),
        _("Support needed"), _("Reviewed by"), _("Review comment"),
    ]
    # Translated once, not once a row.
    yes, no = _("Yes"), _("No")
    statuses = {value: str(label) for value, label in WeeklyReportStatus.choices}
    rows = (
        [
            f"{r.iso_year}-W{r.iso_week:02d}", r.branch.name, r.branch.batch, r.secretary_name or "",
            statuses.get(r.status, r.status), r.submitted_at, yes if r.is_late else no,
            yes if r.no_significant_change else no, r.work_done, r.problems_met, r.next_week_plan,
            r.support_needed, r.reviewed_by.get_full_name() if r.reviewed_by_id else "", r.review_comment,
        ]
        for r in reports.iterator(chunk_size=2000)
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
