"""Forms of 对接会商: convene, hold and close a consultation, record resolutions, filter the list.
Choices are narrowed by the view to what the user may name."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.models import Branch, Organization
from core.forms import BootstrapFormMixin, DateInput
from projects.models import Project


# ---------------------------------------------------------------- consultations
class ConsultationForm(BootstrapFormMixin, forms.Form):
    # Chosen above the form (the units and projects offered depend on it).
    branch = forms.ModelChoiceField(label=_("Branch"), queryset=Branch.objects.none(), widget=forms.HiddenInput)
    project = forms.ModelChoiceField(label=_("Project"), queryset=Project.objects.none(), required=False)
    topic = forms.CharField(label=_("Topic"), max_length=160)
    held_on = forms.DateField(label=_("Date"), widget=DateInput())
    location = forms.CharField(label=_("Location"), max_length=120, required=False)
    participating_units = forms.ModelMultipleChoiceField(
        label=_("Participating units"),
        queryset=Organization.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The responsible units convened by the lead unit."),
    )
    participants = forms.CharField(
        label=_("Participants"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The people who attend, with their units."),
    )
    minutes = forms.CharField(
        label=_("Minutes"), required=False, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Needed to record the consultation as held."),
    )

    def __init__(self, *args, branches=None, projects=None, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if branches is not None:
            self.fields["branch"].queryset = branches
        if projects is not None:
            self.fields["project"].queryset = projects
        if units is not None:
            self.fields["participating_units"].queryset = units
        if not self.is_bound and "held_on" not in self.initial:
            self.initial["held_on"] = timezone.localdate()

    def clean(self):
        data = super().clean()
        branch, project = data.get("branch"), data.get("project")
        if branch and project and project.branch_id != branch.pk:
            self.add_error("project", _("The project belongs to another branch."))
        return data


class HoldForm(BootstrapFormMixin, forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=DateInput())
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 5}))


class ResolutionForm(BootstrapFormMixin, forms.Form):
    content = forms.CharField(label=_("Resolution"), widget=forms.Textarea(attrs={"rows": 3}))
    owner_unit = forms.ModelChoiceField(label=_("Owner unit"), queryset=Organization.objects.none())
    resources = forms.CharField(
        label=_("Resources guaranteed"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What the unit commits: staff, funds, land, approvals, equipment …"),
    )
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput())

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["owner_unit"].queryset = units

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline < timezone.localdate():
            raise forms.ValidationError(_("The deadline cannot be in the past."))
        return deadline
