"""Forms of the evaluation pages. Choices come from the selectors, so a form never offers a rubric,
item or branch outside the user's reach; the rules themselves are checked by the services."""

from decimal import Decimal

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapFormMixin
from evaluation.models import AppraisalGrade, Figure, RubricItemKind
from evaluation.services import ItemData, validate_rubric_items


def apply_service_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the field it names, else above the form."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            target = name if name in form.fields and name != NON_FIELD_ERRORS else None
            for e in errors:
                form.add_error(target, e)
    else:
        form.add_error(None, error)


# ================================================================ evaluations
class EvaluationStartForm(BootstrapFormMixin, forms.Form):
    rubric = forms.ModelChoiceField(label=_("Rubric"), queryset=None, empty_label=None)

    def __init__(self, *args, rubrics, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rubric"].queryset = rubrics


class ScorecardForm(BootstrapFormMixin, forms.Form):
    """One score (and an optional note) per criterion; pre-filled with the evaluator's earlier
    scores, else with the suggested score of the criterion's figure."""

    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for row in criteria:
            item = row.item
            self.fields[f"score_{item.pk}"] = forms.DecimalField(
                label=item.name,
                min_value=Decimal(0),
                max_value=Decimal(item.points),
                decimal_places=1,
                max_digits=5,
                widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal", "data-testid": f"score-{item.position}"}),
                error_messages={
                    "required": _("Score this criterion."),
                    "max_value": _("At most %(limit_value)s points."),
                    "min_value": _("At least %(limit_value)s points."),
                },
            )
            self.fields[f"note_{item.pk}"] = forms.CharField(label=_("Note"), required=False, max_length=200)
            if not self.is_bound:
                initial = row.my_score if row.my_score is not None else row.suggested
                self.initial[f"score_{item.pk}"] = initial
                self.initial[f"note_{item.pk}"] = row.my_note

    def rows(self):
        """Each criterion row with its bound fields, for the template."""
        for row in self.criteria:
            yield row, self[f"score_{row.item.pk}"], self[f"note_{row.item.pk}"]

    def scores(self) -> dict:
        return {row.item.pk: self.cleaned_data[f"score_{row.item.pk}"] for row in self.criteria}

    def notes(self) -> dict:
        return {row.item.pk: self.cleaned_data.get(f"note_{row.item.pk}", "") for row in self.criteria}

    def apply_service_errors(self, error: ValidationError):
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                target = f"score_{name}" if f"score_{name}" in self.fields else None
                for e in errors:
                    self.add_error(target, e)
        else:
            self.add_error(None, error)


class AdjustmentForm(BootstrapFormMixin, forms.Form):
    item = forms.ModelChoiceField(label=_("Item"), queryset=None)
    points = forms.DecimalField(
        label=_("Points"), required=False, min_value=Decimal(0), decimal_places=1, max_digits=5,
        help_text=_("Leave empty for a veto item."),
    )
    reason = forms.CharField(label=_("Reason and evidence"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, evaluation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = evaluation.items.exclude(kind=RubricItemKind.CRITERION).order_by("position")
        self.fields["item"].label_from_instance = lambda i: f"{i.get_kind_display()} · {i.name}" + (
            f"（≤ {i.points}）" if i.kind != RubricItemKind.VETO else ""
        )


class FinalizeForm(BootstrapFormMixin, forms.Form):
    remarks = forms.CharField(
        label=_("Department's remarks"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
    )


# ================================================================ rubrics
class RubricForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    organization = forms.ModelChoiceField(label=_("Owning organization"), queryset=None, empty_label=None)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)

    def __init__(self, *args, organizations, creating: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        if not creating:
            del self.fields["organization"]


class RubricItemForm(BootstrapFormMixin, forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # An initial kind, so that an untouched empty row (its select shows "criterion") is skipped.
    kind = forms.ChoiceField(label=_("Kind"), choices=RubricItemKind.choices, initial=RubricItemKind.CRITERION)
    name = forms.CharField(label=_("Name"), max_length=80)
    points = forms.IntegerField(label=_("Weight / points"), required=False, min_value=0, max_value=100)
    figure = forms.ChoiceField(label=_("Objective figure"), required=False, choices=[("", "—"), *Figure.choices])
    description = forms.CharField(label=_("Description"), required=False, max_length=500)


class BaseRubricItemFormSet(forms.BaseFormSet):
    def items(self) -> list[ItemData]:
        result = []
        for form in self.forms:
            if not form.cleaned_data or self._should_delete_form(form):
                continue
            data = form.cleaned_data
            result.append(
                ItemData(
                    kind=data["kind"], name=data["name"], points=data.get("points") or 0,
                    figure=data.get("figure") or "", description=data.get("description") or "", id=data.get("id"),
                )
            )
        return result

    def clean(self):
        if any(self.errors):
            return
        try:
            validate_rubric_items(self.items())
        except ValidationError as error:
            raise ValidationError(error.messages) from None


# absolute_max: without it Django builds up to max_num + 1000 rows for whatever TOTAL_FORMS a
# request claims, and the page took seconds to render 1,040 empty rows; with it a claim of more
# than 40 is the same "at most 40" error, on 40 rows.
RUBRIC_ITEMS_MAX = 40
RubricItemFormSet = forms.formset_factory(
    RubricItemForm, formset=BaseRubricItemFormSet, extra=3, can_delete=True,
    max_num=RUBRIC_ITEMS_MAX, validate_max=True, absolute_max=RUBRIC_ITEMS_MAX,
)


# ================================================================ appraisals
class SelfAssessmentForm(BootstrapFormMixin, forms.Form):
    self_assessment = forms.CharField(
        label=_("Self-assessment"), widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Your political stance, work style, how you kept your commitment and what you achieved."),
    )


class SelfAssessmentWaiverForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why the member did not fill it in"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("E.g. transferred away and could not be reached; recorded with your name and the time."),
    )


class BranchAssessmentForm(BootstrapFormMixin, forms.Form):
    branch_assessment = forms.CharField(label=_("Branch's assessment"), widget=forms.Textarea(attrs={"rows": 10}))


class GradeForm(BootstrapFormMixin, forms.Form):
    grade = forms.ChoiceField(label=_("Grade"), required=False, choices=[("", "—"), *AppraisalGrade.choices])
    conclusion = forms.CharField(label=_("Conclusion"), widget=forms.Textarea(attrs={"rows": 10}))

    def __init__(self, *args, graded: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not graded:
            del self.fields["grade"]
