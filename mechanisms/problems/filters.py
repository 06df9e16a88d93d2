"""The filters of 问题研判 (problem cases): one function turns the list's query parameters into its rows, for the page
and its Excel export alike."""

from mechanisms.problems import selectors as sel
from mechanisms.problems.forms import (
    ProblemFilterForm,
)


# ---------------------------------------------------------------- list and export
def problem_filter_form(user, params):
    choices = sel.problem_filter_choices(user)
    return ProblemFilterForm(params or None, **choices)
