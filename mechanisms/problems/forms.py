"""Forms of the problem-analysis mechanism. They parse input; the rules live in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapFormMixin, DateInput, PhoneField, upload_help
from core.widgets import PickerSelect, PickerSelectMultiple
from mechanisms.problems.models import (
    ProblemCategory,
    ProblemSeverity,
    ProblemSource,
    Satisfaction,
)
from mechanisms.problems.selectors import (
    branch_dispatch_choices,
    branch_member_choices,
    branch_project_choices,
    unit_choices_for_branch,
)

BLANK = [("", "---------")]


OVERDUE_CHOICES = [("", "---------"), ("yes", _("Overdue")), ("no", _("Not overdue"))]


# The sources a person picks by hand (a weekly report's problems are raised from the report).
MANUAL_SOURCES = [
    (ProblemSource.BRANCH, ProblemSource.BRANCH.label),
    (ProblemSource.MEMBER, ProblemSource.MEMBER.label),
    (ProblemSource.DISPATCH, ProblemSource.DISPATCH.label),
]


class BranchPickForm(BootstrapFormMixin, forms.Form):
    """First step of raising a problem when the user may raise them for several branches."""

    branch = forms.ModelChoiceField(label=_("Branch"), queryset=None, widget=PickerSelect(source="reporting_branches"))

    def __init__(self, *args, branches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches
        self.fields["branch"].widget.attrs["class"] += " js-autosubmit"


class ProblemReportForm(BootstrapFormMixin, forms.Form):
    """Raise a problem for one branch (the branch is chosen before this form is shown)."""

    title = forms.CharField(label=_("Title"), max_length=120)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}))
    category = forms.ChoiceField(
        label=_("Category"), choices=ProblemCategory.choices, widget=forms.RadioSelect,
        help_text=_("Pain point: what hurts the enterprise or residents; difficulty: hard to solve; blockage: a process that is stuck."),
    )
    severity = forms.ChoiceField(label=_("Severity"), choices=ProblemSeverity.choices, initial=ProblemSeverity.ORDINARY)
    source = forms.ChoiceField(label=_("Raised by"), choices=MANUAL_SOURCES, initial=ProblemSource.BRANCH)
    raised_by_person = forms.ModelChoiceField(
        label=_("Member who raised it"), queryset=None, required=False,
        help_text=_("Only when a member raised the problem."),
    )
    dispatch = forms.ModelChoiceField(
        label=_("Dispatch session"), queryset=None, required=False,
        help_text=_("Only when the problem came up at a dispatch session."),
    )
    project = forms.ModelChoiceField(label=_("Project"), queryset=None, required=False)

    field_order = ["title", "description", "category", "severity", "project", "source", "raised_by_person", "dispatch"]

    def __init__(self, *args, branch, **kwargs):
        super().__init__(*args, **kwargs)
        self.branch = branch
        self.fields["project"].queryset = branch_project_choices(branch)
        self.fields["raised_by_person"].queryset = branch_member_choices(branch)
        self.fields["dispatch"].queryset = branch_dispatch_choices(branch)
        # Radio buttons do not take Bootstrap's form-control class.
        self.fields["category"].widget.attrs["class"] = "form-check-input"

    def clean(self):
        data = super().clean()
        if data.get("source") == ProblemSource.MEMBER and not data.get("raised_by_person"):
            self.add_error("raised_by_person", _("Name the member who raised the problem."))
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "description": data["description"],
            "category": data["category"],
            "severity": data["severity"],
            "source": data["source"],
            "project": data.get("project"),
            "raised_by_person": data.get("raised_by_person"),
            "dispatch": data.get("dispatch"),
        }


class WhistleForm(BootstrapFormMixin, forms.Form):
    """企业吹哨: the secretary or staff file what blocks an enterprise, on its behalf."""

    enterprise_name = forms.CharField(label=_("Enterprise"), max_length=120)
    enterprise_contact = forms.CharField(label=_("Contact person"), max_length=50)
    enterprise_phone = PhoneField(label=_("Contact phone"), required=False)
    title = forms.CharField(label=_("What blocks the enterprise (in one line)"), max_length=120)
    description = forms.CharField(
        label=_("Details"), widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What the enterprise needs, since when, whom it has already asked."),
    )
    category = forms.ChoiceField(label=_("Category"), choices=ProblemCategory.choices, widget=forms.RadioSelect)
    severity = forms.ChoiceField(label=_("Severity"), choices=ProblemSeverity.choices, initial=ProblemSeverity.ORDINARY)
    project = forms.ModelChoiceField(label=_("Project"), queryset=None, required=False)

    def __init__(self, *args, branch, **kwargs):
        super().__init__(*args, **kwargs)
        self.branch = branch
        self.fields["project"].queryset = branch_project_choices(branch)
        self.fields["category"].widget.attrs["class"] = "form-check-input"

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "description": data["description"],
            "category": data["category"],
            "severity": data["severity"],
            "source": ProblemSource.ENTERPRISE,
            "project": data.get("project"),
            "enterprise_name": data["enterprise_name"],
            "enterprise_contact": data["enterprise_contact"],
            "enterprise_phone": data.get("enterprise_phone", ""),
        }


class AnalyseForm(BootstrapFormMixin, forms.Form):
    conclusion = forms.CharField(
        label=_("Analysis conclusion"), widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the problem really is, what must be done, by whom."),
    )
    responsible_unit = forms.ModelChoiceField(
        label=_("Responsible unit"), queryset=None, widget=PickerSelect(source="problem_units")
    )
    co_units = forms.ModelMultipleChoiceField(
        label=_("Co-operating units"), queryset=None, required=False,
        widget=PickerSelectMultiple(source="problem_units"),
        help_text=_("Each answers the responsible unit within its time limit."),
    )
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput())

    def __init__(self, *args, branch, default_deadline=None, **kwargs):
        kwargs.setdefault("initial", {})
        if default_deadline:
            kwargs["initial"].setdefault("deadline", default_deadline)
        super().__init__(*args, **kwargs)
        units = unit_choices_for_branch(branch)
        self.fields["responsible_unit"].queryset = units
        self.fields["co_units"].queryset = units
        for name in ("responsible_unit", "co_units"):
            self.fields[name].widget.params = {"branch": branch.pk}

    def clean(self):
        data = super().clean()
        unit = data.get("responsible_unit")
        if unit and unit in (data.get("co_units") or []):
            self.add_error("co_units", _("The responsible unit cannot also be a co-operating unit."))
        return data


class ObjectForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for the objection"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("E.g. the matter is not in the unit's remit; say which unit should handle it."),
    )


class ResolveForm(BootstrapFormMixin, forms.Form):
    resolution = forms.CharField(label=_("How it was resolved"), widget=forms.Textarea(attrs={"rows": 4}))
    evidence = forms.FileField(
        label=_("Evidence (optional)"), required=False,
        help_text=upload_help(),
    )


DECISIONS = [("approve", _("Verified: close the problem")), ("reject", _("Not resolved: send back to the unit"))]


class VerifyForm(BootstrapFormMixin, forms.Form):
    decision = forms.ChoiceField(label=_("Verification"), choices=DECISIONS, widget=forms.RadioSelect, initial="approve")
    satisfaction = forms.ChoiceField(
        label=_("Enterprise satisfaction"), choices=BLANK + Satisfaction.choices, required=False
    )
    note = forms.CharField(label=_("Remarks"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, whistle: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.whistle = whistle
        self.fields["decision"].widget.attrs["class"] = "form-check-input"
        if not whistle:
            del self.fields["satisfaction"]

    def clean(self):
        data = super().clean()
        if data.get("decision") == "approve" and self.whistle and not data.get("satisfaction"):
            self.add_error("satisfaction", _("Record how satisfied the enterprise is."))
        if data.get("decision") == "reject" and not (data.get("note") or "").strip():
            self.add_error("note", _("Say why the resolution is not accepted."))
        return data


class AssignmentAnswerForm(BootstrapFormMixin, forms.Form):
    answer = forms.CharField(label=_("Answer to the lead unit"), widget=forms.Textarea(attrs={"rows": 3}))


class ExtensionRequestForm(BootstrapFormMixin, forms.Form):
    requested_until = forms.DateField(label=_("New deadline"), widget=DateInput())
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


EXTENSION_DECISIONS = [("approve", _("Approve")), ("refuse", _("Refuse"))]


class ExtensionDecideForm(BootstrapFormMixin, forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=EXTENSION_DECISIONS, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Remarks"), required=False, max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].widget.attrs["class"] = "form-check-input"
