"""Forms of the weekly report (周报): the phone-first form, the quick "no change" filing, review
and return, raising a problem line, the list filters."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapFormMixin
from mechanisms.common.forms import _textarea
from mechanisms.problems.models import ProblemCategory, ProblemSeverity
from mechanisms.weekly.rules import MAX_CHECKLIST_ITEMS
from mechanisms.weekly.services import WeeklyContent


# ---------------------------------------------------------------- weekly report
class WeeklyReportForm(BootstrapFormMixin, forms.Form):
    """The weekly report, built for a phone: last week's plan as a checklist to tick, the
    work done, one box per indicator (pre-filled with its current value), problems, next
    week's plan, support needed.

    ``checklist`` and ``indicators`` are given by the view (from the pre-fill or the report);
    on a POST the checklist items come back in hidden fields so a re-rendered form (an error,
    a conflict) keeps them exactly."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    work_done = forms.CharField(
        label=_("Work done this week"),
        required=False,
        max_length=5000,
        widget=_textarea(4, _("What the branch got done this week, in a few lines")),
    )
    problems_met = forms.CharField(
        label=_("Problems met"),
        required=False,
        max_length=3000,
        help_text=_("One problem per line; each can be raised as a problem case in one step."),
        widget=_textarea(3),
    )
    next_week_plan = forms.CharField(
        label=_("Next week's plan"),
        required=False,
        max_length=3000,
        help_text=_("One item per line: next week it opens as the checklist to tick."),
        widget=_textarea(3),
    )
    support_needed = forms.CharField(
        label=_("Support needed"), required=False, max_length=3000, widget=_textarea(2)
    )

    def __init__(self, *args, checklist=(), indicators=(), reading_values=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:
            checklist = self._posted_checklist()
        self.checklist_rows = []
        for i, entry in enumerate(list(checklist)[:MAX_CHECKLIST_ITEMS]):
            item_name, done_name = f"item_{i}", f"done_{i}"
            self.fields[item_name] = forms.CharField(widget=forms.HiddenInput, required=False, initial=entry["item"])
            self.fields[done_name] = forms.BooleanField(
                label=entry["item"], required=False, initial=bool(entry.get("done"))
            )
            self.fields[done_name].widget.attrs["class"] = "form-check-input checklist-tick"
            self.checklist_rows.append((self[item_name], self[done_name]))
        self.fields["checklist_count"] = forms.IntegerField(
            widget=forms.HiddenInput, required=False, initial=len(self.checklist_rows)
        )
        self.indicators = list(indicators)
        reading_values = reading_values or {}
        self.indicator_rows = []
        for indicator in self.indicators:
            name = f"indicator_{indicator.pk}"
            self.fields[name] = forms.DecimalField(
                label=indicator.name,
                required=False,
                max_digits=14,
                decimal_places=2,
                initial=reading_values.get(indicator.pk, indicator.current_value),
            )
            widget = self.fields[name].widget
            widget.attrs.update(
                {
                    "class": "form-control indicator-value",
                    "inputmode": "decimal",
                    "step": "0.01",
                    "data-current": str(indicator.current_value),
                }
            )
            self.indicator_rows.append((indicator, self[name]))

    def _posted_checklist(self) -> list[dict]:
        try:
            count = min(int(self.data.get("checklist_count") or 0), MAX_CHECKLIST_ITEMS)
        except ValueError:
            count = 0
        rows = []
        for i in range(count):
            item = (self.data.get(f"item_{i}") or "").strip()
            if item:
                rows.append({"item": item[:300], "done": bool(self.data.get(f"done_{i}"))})
        return rows

    def content(self) -> WeeklyContent:
        data = self.cleaned_data
        checklist = [
            {"item": item.value(), "done": bool(data.get(done.name))}
            for item, done in self.checklist_rows
            if (item.value() or "").strip()
        ]
        return WeeklyContent(
            work_done=data["work_done"],
            checklist=checklist,
            problems_met=data["problems_met"],
            next_week_plan=data["next_week_plan"],
            support_needed=data["support_needed"],
            readings={indicator.pk: data.get(f"indicator_{indicator.pk}") for indicator in self.indicators},
        )


class QuickReportForm(forms.Form):
    """The one-tap "no significant change" report: an optional short note."""

    note = forms.CharField(label=_("Short note"), required=False, max_length=500)


class ReviewForm(BootstrapFormMixin, forms.Form):
    comment = forms.CharField(label=_("Review comment"), required=False, max_length=3000, widget=_textarea(3))


class ProblemRaiseForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=ProblemCategory.choices)
    severity = forms.ChoiceField(label=_("Severity"), choices=ProblemSeverity.choices, initial=ProblemSeverity.ORDINARY)
