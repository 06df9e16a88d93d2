"""The filters of branches and the Party-member registry: one function turns the list's query parameters into its rows, for the page
and its Excel export alike."""

from branches import selectors
from branches.forms import AuditFilterForm, BranchFilterForm, PersonFilterForm
from branches.models import WorkField


# ---------------------------------------------------------------- branches
def branch_filter_form(user, params):
    choices = selectors.branch_filter_choices(user)
    return BranchFilterForm(
        params or None,
        batches=choices["batches"],
        lead_units=choices["lead_units"],
        work_fields=list(WorkField.objects.order_by("sort_order", "name")),
    )


# ---------------------------------------------------------------- people
def person_filter_form(user, params):
    units = list(selectors.visible_organizations(user).order_by("path"))
    return PersonFilterForm(params or None, units=units)


# ---------------------------------------------------------------- the audit trail
def audit_event_rows(user, params):
    form = AuditFilterForm(params or None)
    filters, search = form.filters()
    return form, selectors.audit_events(user=user, filters=filters, search=search)
