"""Excel exports of dispatch sessions and instructions (found by core.exports through mechanisms/exports.py; large ones run in
the worker)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from core.exports import ExportData, register_export
from mechanisms.dispatch import tickets
from mechanisms.dispatch.filters import DispatchFilterSet, InstructionFilterSet
from mechanisms.dispatch.tickets import TICKET_BLUE, TICKET_RED, TICKET_YELLOW


@register_export("dispatches")
def dispatch_export_data(user, params) -> ExportData:
    rows = DispatchFilterSet(params, user=user).qs
    return ExportData(
        _("Dispatch sessions"),
        [_("Held on"), _("Project"), _("Branch"), _("Location"), _("Attendees"), _("Status"),
         _("Instructions issued"), _("Notes"), _("Recorded by")],
        (
            [d.held_on, d.project.name, d.branch.name, d.location, d.attendees, d.get_status_display(),
             d.instruction_count, d.notes, d.created_by.get_full_name() if d.created_by else ""]
            for d in rows.iterator(chunk_size=1000)
        ),
        rows.count,
    )


@register_export("instructions")
def instruction_export_data(user, params) -> ExportData:
    today = timezone.localdate()
    thresholds = tickets.TicketThresholds.on(today)
    rows = InstructionFilterSet(params, user=user, thresholds=thresholds).qs
    colour_names = {TICKET_RED: _("Red"), TICKET_YELLOW: _("Yellow"), TICKET_BLUE: _("Blue")}
    return ExportData(
        _("Instructions"),
        [_("Title"), _("Project"), _("Branch"), _("Assigned unit"), _("Assigned person"),
         _("Issued on"), _("Deadline"), _("Status"), _("Ticket colour"), _("Days overdue"),
         _("Result"), _("Reason for return")],
        (
            [i.title, i.project.name, i.branch.name, str(i.assignee_unit or ""),
             i.assignee_user.get_full_name() if i.assignee_user else "", i.issued_on, i.deadline,
             i.get_status_display(), colour_names.get(tickets.ticket_colour(i, thresholds), ""),
             tickets.overdue_days(i.deadline, today) if i.awaiting_assignee else 0, i.result, i.return_reason]
            for i in rows.iterator(chunk_size=1000)
        ),
        rows.count,
    )
