"""Typeahead sources of the projects' forms (see ``core.pickers``): the same selectors that
the forms validate against."""

from branches.pickers import user_label
from core.pickers import register_picker
from projects import selectors


@register_picker("project_branches")
def project_branches(user, params):
    return selectors.project_branch_choices(user)


@register_picker("dispatch_chiefs", search=("full_name", "username"), label=user_label)
def dispatch_chiefs(user, params):
    return selectors.dispatch_chief_candidates(user)


@register_picker("project_units")
def project_units(user, params):
    return selectors.unit_choices(user)
