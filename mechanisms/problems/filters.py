"""The FilterSet of 问题研判 (problem cases): the page and its Excel export filter through it
(core.filtering)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filtering import ListFilterSet, choice_filter, picker, search_filter
from mechanisms.problems import selectors as sel
from mechanisms.problems.forms import BLANK, OVERDUE_CHOICES
from mechanisms.problems.models import ProblemCategory, ProblemSeverity, ProblemSource, ProblemStatus

NONE_PICKED = BLANK[0][1]


def _named(row) -> str:
    return row.name


class ProblemFilterSet(ListFilterSet):
    q = search_filter(placeholder=_("Title, description, enterprise or unit"), max_length=100)
    branch = picker(_("Branch"), kind="branch", label_from_instance=_named, empty_label=NONE_PICKED)
    project = picker(_("Project"), kind="project", label_from_instance=_named, empty_label=NONE_PICKED)
    status = choice_filter(_("Status"), ProblemStatus.choices, empty_label=NONE_PICKED)
    category = choice_filter(_("Category"), ProblemCategory.choices, empty_label=NONE_PICKED)
    severity = choice_filter(_("Severity"), ProblemSeverity.choices, empty_label=NONE_PICKED)
    source = choice_filter(_("Source"), ProblemSource.choices, empty_label=NONE_PICKED)
    responsible_unit = picker(_("Responsible unit"), kind="unit", label_from_instance=_named, empty_label=NONE_PICKED)
    overdue = choice_filter(_("Overdue"), OVERDUE_CHOICES[1:], empty_label=NONE_PICKED)

    def visible(self, user):
        return sel.visible_problems(user)

    def restrict(self, user):
        choices = sel.problem_filter_choices(user)
        self.limit("branch", choices["branches"])
        self.limit("project", choices["projects"])
        self.limit("responsible_unit", choices["units"])

    def select(self, filters, search):
        return sel.problem_list(user=self.user, filters=filters, search=search, today=timezone.localdate())
