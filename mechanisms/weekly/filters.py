"""The filters of the weekly reports: one function turns the list's query parameters into its rows, for the page
and its Excel export alike."""

from mechanisms.common.selectors import branch_batches
from mechanisms.weekly import selectors as sel
from mechanisms.weekly.forms import (
    MissingFilterForm,
    WeeklyFilterForm,
)
from mechanisms.weekly.rules import current_week


# ---------------------------------------------------------------- weekly report: lists
def weekly_report_rows(user, params):
    form = WeeklyFilterForm(params or None, batches=branch_batches(user))
    filters, search = form.filters() if form.is_bound else ({}, "")
    branch = params.get("branch")
    if branch and branch.isdecimal():
        filters["branch"] = int(branch)
    return form, sel.weekly_report_list(user=user, filters=filters, search=search)


def missing_report_rows(user, params):
    form = MissingFilterForm(params or None, batches=branch_batches(user))
    week, filters, search = current_week(), {}, ""
    if form.is_bound and form.is_valid():
        week = form.cleaned_data["week"] or week
        filters = {"batch": form.cleaned_data["batch"]}
        search = form.cleaned_data["q"] or ""
    return form, week, sel.weekly_missing(user=user, week=week, filters=filters, search=search)
