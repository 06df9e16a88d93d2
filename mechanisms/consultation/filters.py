"""The filters of 对接会商 (consultations): one function turns the list's query parameters into its rows, for the page
and its Excel export alike."""

from mechanisms.common import selectors as sel_common
from mechanisms.consultation.forms import ConsultationFilterForm
from mechanisms.consultation.selectors import (
    consultation_list,
    consultation_unit_choices,
    visible_consultations,
)


# ---------------------------------------------------------------- consultations
def consultation_rows(user, params, today):
    visible = visible_consultations(user)
    choices = sel_common.filter_choices(user, source=visible)
    form = ConsultationFilterForm(params or None, units=consultation_unit_choices(visible), **choices)
    return form, consultation_list(user=user, filters=form.filters(), search=form.search, today=today)
