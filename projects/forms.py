"""Forms of the projects pages. Choices come from the selectors, so a form never offers a
branch, unit or person outside the user's jurisdiction."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.models import Front, WorkField
from core.forms import BootstrapFormMixin, DateInput
from core.widgets import PickerSelect, PickerSelectMultiple
from projects import selectors
from projects.models import Indicator, IndicatorReading, Milestone, Project, ProjectStatus


def apply_service_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on ``form``: on the field it names when the form has
    that field, otherwise above the form."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            target = name if name in form.fields and name != NON_FIELD_ERRORS else None
            for e in errors:
                form.add_error(target, e)
    else:
        form.add_error(None, error)


class _UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        unit = f"（{obj.organization}）" if obj.organization_id else ""
        return f"{obj.get_full_name()}{unit}"


class ProjectForm(BootstrapFormMixin, forms.ModelForm):
    """Create (with branch and 调度长) or edit (without: they move grants, see the services)."""

    class Meta:
        model = Project
        fields = [
            "branch", "name", "front", "field", "goal", "start_on", "deadline",
            "lead_unit", "responsible_units", "dispatch_chief", "dispatch_cadence",
        ]
        widgets = {
            "goal": forms.Textarea(attrs={"rows": 3}),
            "start_on": DateInput(),
            "deadline": DateInput(),
            "branch": PickerSelect(source="project_branches"),
            "lead_unit": PickerSelect(source="project_units"),
            "responsible_units": PickerSelectMultiple(source="project_units"),
        }

    def __init__(self, *args, user, creating: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.creating = creating
        if creating:
            self.fields["branch"].queryset = selectors.project_branch_choices(user)
            self.fields["dispatch_chief"] = _UserChoiceField(
                queryset=selectors.dispatch_chief_candidates(user),
                required=False,
                label=Project._meta.get_field("dispatch_chief").verbose_name,
                help_text=_("A leader of the supervising Party committee; they will see this project and its branch."),
                widget=PickerSelect(source="dispatch_chiefs"),
            )
        else:
            del self.fields["branch"]
            del self.fields["dispatch_chief"]
        units = selectors.unit_choices(user)
        self.fields["lead_unit"].queryset = units
        self.fields["responsible_units"].queryset = units
        self.fields["responsible_units"].help_text = _("Type to add units; several may be chosen.")
        fields = WorkField.objects.filter(is_active=True)
        if self.instance.pk and self.instance.field_id:
            # A field retired from the list stays valid on the projects that already use it.
            fields = fields | WorkField.objects.filter(pk=self.instance.field_id)
        self.fields["field"].queryset = fields.order_by("sort_order", "name")

    def _get_validation_exclusions(self):
        # The 调度长 is appointed by its own service after the project exists.
        exclusions = super()._get_validation_exclusions()
        exclusions.add("dispatch_chief")
        return exclusions

    def clean(self):
        cleaned = super().clean()
        start, deadline = cleaned.get("start_on"), cleaned.get("deadline")
        if start and deadline and deadline < start:
            self.add_error("deadline", _("The deadline cannot be before the start."))
        front, work_field = cleaned.get("front"), cleaned.get("field")
        if front and work_field and work_field.front != front:
            self.add_error(
                "field",
                _("The field %(field)s belongs to the front %(front)s.")
                % {"field": work_field, "front": Front(work_field.front).label},
            )
        return cleaned


class ProjectTransitionForm(BootstrapFormMixin, forms.Form):
    to = forms.ChoiceField(label=_("New status"), choices=ProjectStatus.choices)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=200)


class DispatchChiefForm(BootstrapFormMixin, forms.Form):
    dispatch_chief = _UserChoiceField(
        label=_("Dispatch chief"),
        queryset=None,
        required=False,
        empty_label=_("— nobody —"),
        widget=PickerSelect(source="dispatch_chiefs"),
        help_text=_("The previous dispatch chief loses access to this project (and its branch, unless they hold another project in it)."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dispatch_chief"].queryset = selectors.dispatch_chief_candidates(user)


class IndicatorForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Indicator
        fields = ["name", "unit", "baseline", "target", "weight"]
        help_texts = {
            "baseline": _("The value at the project's start."),
            "target": _("May be below the baseline for things to reduce (e.g. complaints)."),
        }


class ReadingForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = IndicatorReading
        fields = ["value", "recorded_on", "note"]
        widgets = {"recorded_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recorded_on"].initial = timezone.localdate()

    def clean_recorded_on(self):
        on = self.cleaned_data["recorded_on"]
        if on > timezone.localdate():
            raise ValidationError(_("A reading cannot be dated in the future."), code="future")
        return on


class MilestoneForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["name", "due_on"]
        widgets = {"due_on": DateInput()}
