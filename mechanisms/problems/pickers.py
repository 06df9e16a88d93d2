"""Typeahead sources of 问题研判 (see ``core.pickers``)."""

from django.shortcuts import get_object_or_404

from core.pickers import register_picker, scope_id
from mechanisms.problems.selectors import reporting_branches, unit_choices_for_branch


@register_picker("reporting_branches")
def branches_to_report_for(user, params):
    return reporting_branches(user).order_by("batch", "name")


@register_picker("problem_units")
def problem_units(user, params):
    """Units a problem of ``?branch=`` may be assigned to; a branch the user does not analyse
    or raise problems for is a 404."""
    branch = get_object_or_404(
        reporting_branches(user).select_related("supervising_committee"), pk=scope_id(params, "branch")
    )
    return unit_choices_for_branch(branch)
