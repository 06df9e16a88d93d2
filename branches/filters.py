"""The filters of branches and the Party-member registry: one function turns the list's query parameters into its rows, for the page
and its Excel export alike."""

from branches import selectors
from branches.forms import BranchFilterForm, PersonFilterForm
from branches.models import WorkField


# ---------------------------------------------------------------- branches
def branch_filter_form(request):
    choices = selectors.branch_filter_choices(request.user)
    return BranchFilterForm(
        request.GET or None,
        batches=choices["batches"],
        lead_units=choices["lead_units"],
        work_fields=list(WorkField.objects.order_by("sort_order", "name")),
    )


# ---------------------------------------------------------------- people
def person_filter_form(request):
    units = list(selectors.visible_organizations(request.user).order_by("path"))
    return PersonFilterForm(request.GET or None, units=units)
