"""The filters of efficacy evaluations: one function turns the list's query parameters into its rows, for the page
and its Excel export alike."""

from django.utils.translation import gettext as _

from evaluation import selectors
from evaluation.forms import EvaluationFilterForm


# ================================================================ the evaluation list
def evaluation_rows(user, params):
    form = EvaluationFilterForm(params or None, choices=selectors.evaluation_filter_choices(user))
    filters, search = form.filters() if form.is_bound else ({}, "")
    return form, selectors.evaluation_list(user=user, filters=filters, search=search)


def evaluation_state_label(branch) -> str:
    evaluation = getattr(branch, "evaluation", None)
    if evaluation is None:
        return _("Awaiting evaluation")
    return evaluation.get_status_display()
