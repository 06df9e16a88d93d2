"""Excel exports of weekly reports and missing reports (found by core.exports through mechanisms/exports.py; large ones run in
the worker)."""

from django.utils.translation import gettext as _

from core.exports import ExportData, register_export
from mechanisms.weekly.filters import missing_report_rows, weekly_report_rows


@register_export("weekly_reports")
def weeklyreport_export_data(user, params) -> ExportData:
    _form, reports = weekly_report_rows(user, params)
    headers = [
        _("Week"), _("Branch"), _("Batch"), _("Secretary"), _("Status"), _("Submitted at"), _("Late"),
        _("No significant change"), _("Work done"), _("Problems met"), _("Next week's plan"),
        _("Support needed"), _("Reviewed by"), _("Review comment"),
    ]
    rows = (
        [
            f"{r.iso_year}-W{r.iso_week:02d}", r.branch.name, r.branch.batch, r.secretary_name or "",
            r.get_status_display(), r.submitted_at, _("Yes") if r.is_late else _("No"),
            _("Yes") if r.no_significant_change else _("No"), r.work_done, r.problems_met, r.next_week_plan,
            r.support_needed, r.reviewed_by.get_full_name() if r.reviewed_by_id else "", r.review_comment,
        ]
        for r in reports.iterator(chunk_size=2000)
    )
    title = _("Weekly reports")
    return ExportData(title, headers, rows, reports.count, {2: 30, 9: 50, 10: 40, 11: 40, 12: 30})


@register_export("weekly_missing")
def weeklyreport_missing_export_data(user, params) -> ExportData:
    _form, week, branches = missing_report_rows(user, params)
    headers = [_("Week"), _("Branch"), _("Batch"), _("Supervising Party committee"), _("Secretary"), _("Phone"), _("Draft started")]
    rows = (
        [
            week.code, b.name, b.batch, str(b.supervising_committee), b.secretary_name or "",
            b.secretary_phone or "", _("Yes") if b.has_draft else _("No"),
        ]
        for b in branches.iterator(chunk_size=2000)
    )
    title = _("Weekly reports missing %(week)s") % {"week": week.code}
    return ExportData(title, headers, rows, branches.count, {2: 34, 4: 30})
