"""Excel exports of the reminder log (found by core.exports through mechanisms/exports.py; large ones run in
the worker)."""

from django.utils.translation import gettext as _

from core.exports import ExportData, register_export
from mechanisms.reminders.filters import ReminderLogFilterSet


@register_export("reminder_log")
def reminder_log_export_data(user, params) -> ExportData:
    rows = ReminderLogFilterSet(params, user=user).qs
    return ExportData(
        _("Reminder log"),
        [_("Recorded at"), _("Recipient"), _("Kind"), _("Title"), _("Channel"), _("Address"), _("Status"), _("Tries"),
         _("Delivered at"), _("Last error"), _("Times resent"), _("Sent by")],
        (
            [d.reminder.created_at, d.reminder.recipient.get_full_name() or d.reminder.recipient.get_username(),
             d.reminder.get_kind_display(), d.reminder.title, d.get_channel_display(), d.target, d.get_status_display(),
             d.attempts, d.sent_at, d.last_error, d.resends, d.reminder.sender.get_full_name() if d.reminder.sender else ""]
            for d in rows.iterator(chunk_size=2000)
        ),
        rows.count,
        {1: 18, 2: 12, 3: 20, 4: 40, 6: 30, 9: 18, 10: 30},
    )
