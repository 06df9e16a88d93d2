"""Forms of 推进调度: dispatch sessions, instructions and their results, list filters.
Choices are narrowed by the view to what the user may name."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.models import Organization, User
from core.forms import BootstrapFormMixin, DateInput
from core.widgets import PickerSelect
from mechanisms.common.forms import UserChoiceField


# ---------------------------------------------------------------- dispatch sessions
class DispatchForm(BootstrapFormMixin, forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=DateInput())
    location = forms.CharField(label=_("Location"), max_length=120, required=False)
    attendees = forms.CharField(
        label=_("Attendees"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Who took part, e.g. the lead unit, the responsible units and the branch secretary."),
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What was reviewed and decided. Decisions that need follow-up become instructions."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and "held_on" not in self.initial:
            self.initial["held_on"] = timezone.localdate()


# ---------------------------------------------------------------- instructions
class InstructionForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    content = forms.CharField(label=_("What is to be done"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    assignee_unit = forms.ModelChoiceField(
        label=_("Assigned unit"), queryset=Organization.objects.none(), required=False,
        widget=PickerSelect(source="instruction_units"),
    )
    assignee_user = UserChoiceField(
        label=_("Assigned person"), queryset=User.objects.none(), required=False,
        widget=PickerSelect(source="instruction_people"),
    )
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput())

    def __init__(self, *args, units=None, people=None, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        if project is not None:
            for name in ("assignee_unit", "assignee_user"):
                self.fields[name].widget.params = {"project": project.pk}
        if units is not None:
            self.fields["assignee_unit"].queryset = units
        if people is not None:
            self.fields["assignee_user"].queryset = people
        self.fields["assignee_unit"].help_text = _(
            "A unit's liaisons answer for it. Name a unit, a person, or both."
        )

    def clean(self):
        data = super().clean()
        deadline = data.get("deadline")
        if deadline and deadline < timezone.localdate():
            self.add_error("deadline", _("The deadline cannot be in the past."))
        if not data.get("assignee_unit") and not data.get("assignee_user"):
            self.add_error(None, forms.ValidationError(_("Assign the instruction to a unit or a person."), code="no_assignee"))
        return data


class ResultForm(BootstrapFormMixin, forms.Form):
    result = forms.CharField(
        label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )


class ReturnForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for return"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
