"""The filters of projects: one function turns the list's query parameters into its rows, for the page
and its Excel export alike."""

from projects import selectors
from projects.forms import ProjectFilterForm


def project_rows(user, params):
    choices = selectors.project_filter_choices(user)
    form = ProjectFilterForm(params or None, choices=choices)
    filters, search = form.filters() if form.is_bound else ({}, "")
    return form, selectors.project_list(user=user, filters=filters, search=search)
