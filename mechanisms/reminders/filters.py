"""The filters of the reminder log: one function turns the list's query parameters into its rows, for the page
and its Excel export alike."""

from mechanisms.reminders import selectors as sel
from mechanisms.reminders.forms import ReminderLogFilterForm


def reminder_log_rows(user, params):
    form = ReminderLogFilterForm(params or None)
    return form, sel.reminder_log(user=user, filters=form.filters(), search=form.search)
