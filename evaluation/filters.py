"""The FilterSets of efficacy evaluations and of the priority list: each page and its Excel export
filter through the same one (core.filtering)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from branches.models import WorkField
from core.filtering import (
    FilterForm,
    ListFilterSet,
    batch_choices,
    choice_filter,
    date_filter,
    picker,
    search_filter,
)
from evaluation import selectors
from evaluation.models import EvaluationGrade

STATE_CHOICES = [
    ("awaiting", gettext_lazy("Awaiting evaluation")),
    ("in_progress", gettext_lazy("In progress")),
    ("final", gettext_lazy("Final")),
]


# ================================================================ the evaluation list
class EvaluationFilterSet(ListFilterSet):
    """Concluded and evaluated branches; one invalid value drops every filter, as the page always did."""

    all_or_nothing = True
    q = search_filter()
    state = choice_filter(gettext_lazy("Evaluation"), STATE_CHOICES)
    batch = choice_filter(gettext_lazy("Batch"))
    field = picker(gettext_lazy("Field"), kind="field")
    grade = choice_filter(gettext_lazy("Grade"), EvaluationGrade.choices)

    def visible(self, user):
        return selectors.office_branches(user)

    def restrict(self, user):
        self.choose("batch", batch_choices(selectors.evaluation_filter_choices(user)["batches"]))
        self.limit("field", WorkField.objects.all())

    def select(self, filters, search):
        return selectors.evaluation_list(user=self.user, filters=filters, search=search)


def evaluation_state_label(branch) -> str:
    evaluation = getattr(branch, "evaluation", None)
    if evaluation is None:
        return _("Awaiting evaluation")
    return evaluation.get_status_display()


# ================================================================ the priority list
class PriorityFilterForm(FilterForm):
    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end of the period cannot be before its start."))
        return cleaned


class PriorityFilterSet(ListFilterSet):
    """优先考虑名单 (a list of entries, not a queryset): the search is one of the selector's filters."""

    all_or_nothing = True
    search_param = None
    q = search_filter(gettext_lazy("Name or branch"))
    kind = choice_filter(
        gettext_lazy("Who"),
        [("secretary", gettext_lazy("Secretaries of Excellent branches")),
         ("member", gettext_lazy("Members appraised Excellent"))],
    )
    batch = choice_filter(gettext_lazy("Batch"))
    date_from = date_filter(gettext_lazy("Finalized from"))
    date_to = date_filter(gettext_lazy("Finalized until"))

    class Meta:
        form = PriorityFilterForm

    def visible(self, user):
        return selectors.office_branches(user)

    def restrict(self, user):
        self.choose("batch", batch_choices(selectors.evaluation_filter_choices(user)["batches"]))

    def select(self, filters, search):
        return selectors.priority_list(user=self.user, filters=filters)
