"""Typeahead sources of 推进调度 (see ``core.pickers``): whom an instruction of ``?project=``
may go to, for the people who run that project's dispatch (others: 404)."""

from django.shortcuts import get_object_or_404

from branches.pickers import user_label
from core.pickers import register_picker, scope_id
from mechanisms.dispatch.selectors import (
    dispatch_projects,
    instruction_person_candidates,
    instruction_unit_candidates,
)


def _project(user, params):
    return get_object_or_404(dispatch_projects(user).select_related("branch"), pk=scope_id(params, "project"))


@register_picker("instruction_units")
def instruction_units(user, params):
    return instruction_unit_candidates(_project(user, params))


@register_picker("instruction_people", search=("full_name", "username"), label=user_label)
def instruction_people(user, params):
    return instruction_person_candidates(_project(user, params))
