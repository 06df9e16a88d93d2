"""The FilterSets of the weekly reports and of the branches that owe one: each page and its Excel
export filter through the same one (core.filtering)."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from branches.selectors import branch_batches, visible_branches
from core.filtering import ANY, ListFilterSet, batch_choices, choice_filter, search_filter
from mechanisms.common.forms import YES_NO
from mechanisms.weekly import selectors as sel
from mechanisms.weekly.models import WeeklyReportStatus
from mechanisms.weekly.rules import current_week, parse_week


class WeekField(forms.CharField):
    """An ISO week (``2025-W07``): a Week, or a Chinese form error."""

    widget = forms.TextInput(attrs={"type": "week"})

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        week = parse_week(value)
        if week is None:
            raise forms.ValidationError(_("Enter a week like 2025-W07."))
        return week


class WeekFilter(django_filters.Filter):
    field_class = WeekField


def week_filter() -> WeekFilter:
    return WeekFilter(label=_("Week"))


class _WeeklyFilterSet(ListFilterSet):
    """Week, search and batch; one invalid value drops every filter, as these pages always did."""

    all_or_nothing = True
    week = week_filter()
    q = search_filter(max_length=100)

    def restrict(self, user):
        self.choose("batch", batch_choices(branch_batches(user), named=False))


# ---------------------------------------------------------------- weekly reports
class WeeklyReportFilterSet(_WeeklyFilterSet):
    status = choice_filter(_("Status"), WeeklyReportStatus.choices, empty_label=ANY)
    late = choice_filter(_("Late"), YES_NO[1:], empty_label=ANY)
    batch = choice_filter(_("Batch"), empty_label=ANY)

    def visible(self, user):
        return sel.visible_weekly_reports(user)

    def values(self):
        """A branch's page links here with ``?branch=``: not on the form, an id that narrows the
        visible reports (whatever the form's other values)."""
        filters, search = super().values()
        branch = self.data.get("branch") if self.is_bound else None
        if branch and str(branch).isdecimal():
            filters["branch"] = int(branch)
        return filters, search

    def select(self, filters, search):
        return sel.weekly_report_list(user=self.user, filters=filters, search=search)


# ---------------------------------------------------------------- branches that owe the week's report
class MissingReportFilterSet(_WeeklyFilterSet):
    batch = choice_filter(_("Batch"), empty_label=ANY)

    def visible(self, user):
        return visible_branches(user)

    @property
    def chosen_week(self):
        """The week asked for, else the current one."""
        return self.values()[0].get("week") or current_week()

    def select(self, filters, search):
        return sel.weekly_missing(
            user=self.user, week=self.chosen_week, filters={"batch": filters.get("batch")}, search=search
        )
