"""The filters of 推进调度 (dispatch sessions and instructions): one function turns the list's query parameters into its rows, for the page
and its Excel export alike."""

from mechanisms.common import selectors as sel_common
from mechanisms.dispatch import selectors as sel
from mechanisms.dispatch.forms import (
    DispatchFilterForm,
    InstructionFilterForm,
)
from mechanisms.dispatch.selectors import visible_dispatches, visible_instructions


# ---------------------------------------------------------------- dispatch sessions
def dispatch_rows(user, params):
    visible = visible_dispatches(user)
    choices = sel_common.filter_choices(user, source=visible)
    form = DispatchFilterForm(params or None, **choices)
    return form, sel.dispatch_list(user=user, filters=form.filters(), search=form.search)


# ---------------------------------------------------------------- instructions
def instruction_rows(user, params, thresholds):
    visible = visible_instructions(user)
    choices = sel_common.filter_choices(user, source=visible)
    form = InstructionFilterForm(params or None, units=sel.instruction_unit_choices(visible), **choices)
    return form, sel.instruction_list(user=user, filters=form.filters(), search=form.search, thresholds=thresholds)
