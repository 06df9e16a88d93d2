"""Excel exports of requests for decision and reports (found by core.exports through mechanisms/exports.py; large ones run in
the worker)."""

from django.utils.translation import gettext as _

from core.exports import ExportData, register_export
from mechanisms.requests.filters import DecisionRequestFilterSet, ReportFilterSet


@register_export("decision_requests")
def decisionrequest_export_data(user, params) -> ExportData:
    rows = DecisionRequestFilterSet(params, user=user).qs
    headers = [
        _("Title"), _("Branch"), _("Batch"), _("Status"), _("Submitted at"), _("Reply due"), _("Replied at"),
        _("Replied by"), _("Reply"), _("Content"),
    ]
    data = (
        [
            r.title, r.branch.name, r.branch.batch, r.get_status_display(), r.submitted_at, r.reply_due_on,
            r.replied_at, r.replied_by.get_full_name() if r.replied_by_id else "", r.reply, r.content,
        ]
        for r in rows.iterator(chunk_size=2000)
    )
    title = _("Requests for decision")
    return ExportData(title, headers, data, rows.count, {1: 36, 2: 30, 9: 40, 10: 50})


@register_export("reports")
def report_export_data(user, params) -> ExportData:
    rows = ReportFilterSet(params, user=user).qs
    headers = [
        _("Title"), _("Kind"), _("Branch"), _("Batch"), _("Status"), _("Submitted at"), _("Acknowledged at"),
        _("Acknowledged by"), _("Content"),
    ]
    data = (
        [
            r.title, r.get_kind_display(), r.branch.name, r.branch.batch, r.get_status_display(), r.submitted_at,
            r.acknowledged_at, r.acknowledged_by.get_full_name() if r.acknowledged_by_id else "", r.content,
        ]
        for r in rows.iterator(chunk_size=2000)
    )
    title = _("Reports")
    return ExportData(title, headers, data, rows.count, {1: 36, 3: 30, 9: 60})
