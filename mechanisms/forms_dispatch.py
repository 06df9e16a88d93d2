"""Forms of 推进调度 and 对接会商. Choices are narrowed by the view to what the user may name."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.models import Branch, Organization, User
from core.forms import BootstrapFormMixin, DateInput
from projects.models import Project

from .models import ConsultationStatus, DispatchStatus, InstructionStatus
from .selectors_dispatch import TICKET_BLUE, TICKET_RED, TICKET_YELLOW


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        unit = f"（{obj.organization}）" if obj.organization_id else ""
        return f"{obj.get_full_name()}{unit}"


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
        label=_("Assigned unit"), queryset=Organization.objects.none(), required=False
    )
    assignee_user = UserChoiceField(label=_("Assigned person"), queryset=User.objects.none(), required=False)
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput())

    def __init__(self, *args, units=None, people=None, **kwargs):
        super().__init__(*args, **kwargs)
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


# ---------------------------------------------------------------- list filters
ALL = _("All")


def _choices(rows, blank=ALL):
    return [("", blank)] + [(str(r.pk), str(r)) for r in rows]


class _FilterForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    project = forms.ChoiceField(label=_("Project"), required=False)
    branch = forms.ChoiceField(label=_("Branch"), required=False)

    def __init__(self, *args, projects=(), branches=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].choices = _choices(projects)
        self.fields["branch"].choices = _choices(branches)

    def filters(self) -> dict:
        """The valid filters: a value that is not a choice is dropped rather than failing the page."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {k: v for k, v in data.items() if v not in (None, "", False) and k != "q"}

    @property
    def search(self) -> str:
        self.is_valid()
        return (getattr(self, "cleaned_data", {}).get("q") or "").strip()


class DispatchFilterForm(_FilterForm):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All"))] + DispatchStatus.choices)
    held_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    held_to = forms.DateField(label=_("To"), required=False, widget=DateInput())


COLOUR_CHOICES = [
    ("", _("All")),
    (TICKET_RED, _("Red: overdue")),
    (TICKET_YELLOW, _("Yellow: behind")),
    (TICKET_BLUE, _("Blue: deadline near")),
]


class InstructionFilterForm(_FilterForm):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All"))] + InstructionStatus.choices
    )
    assignee_unit = forms.ChoiceField(label=_("Unit"), required=False)
    colour = forms.ChoiceField(label=_("Ticket colour"), required=False, choices=COLOUR_CHOICES)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    open = forms.BooleanField(label=_("Open only"), required=False)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee_unit"].choices = _choices(units)


class ConsultationFilterForm(_FilterForm):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All"))] + ConsultationStatus.choices
    )
    unit = forms.ChoiceField(label=_("Unit"), required=False)
    overdue = forms.BooleanField(label=_("With overdue resolutions"), required=False)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = _choices(units)
