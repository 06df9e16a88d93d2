"""The filters of 请示报告 (requests for decision and reports): one function turns the list's query parameters into its rows, for the page
and its Excel export alike."""

from mechanisms.common.selectors import branch_batches
from mechanisms.requests import selectors as sel
from mechanisms.requests.forms import (
    ReportFilterForm,
    RequestFilterForm,
)


# ---------------------------------------------------------------- requests for decision
def decision_request_rows(user, params):
    form = RequestFilterForm(params or None, batches=branch_batches(user))
    filters, search = form.filters() if form.is_bound else ({}, "")
    return form, sel.decision_request_list(user=user, filters=filters, search=search)


# ---------------------------------------------------------------- reports
def report_rows(user, params):
    form = ReportFilterForm(params or None, batches=branch_batches(user))
    filters, search = form.filters() if form.is_bound else ({}, "")
    return form, sel.report_list(user=user, filters=filters, search=search)
