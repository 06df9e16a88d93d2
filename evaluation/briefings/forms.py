"""Forms of the briefing pages: the jurisdictions offered come from the selectors; the rules are
the services'."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapFormMixin, DateInput
from evaluation.briefings import selectors
from evaluation.briefings.models import SECTION_KEYS, BriefingPeriod
from evaluation.briefings.sections import SECTION_HEADINGS
from evaluation.briefings.services import TEXT_MAX


class BriefingDraftForm(BootstrapFormMixin, forms.Form):
    organization = forms.ModelChoiceField(label=_("Jurisdiction"), queryset=None, empty_label=None)
    period = forms.ChoiceField(label=_("Period"), choices=BriefingPeriod.choices, initial=BriefingPeriod.MONTH)
    day = forms.DateField(
        label=_("A day in the period"), widget=DateInput(), help_text=_("The briefing covers the week or month holding this day.")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = selectors.briefing_jurisdictions(user)
        self.fields["day"].initial = timezone.localdate()


class BriefingEditForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=60)
    issuing_organ = forms.CharField(label=_("Issuing organ"), max_length=80)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key in SECTION_KEYS:
            self.fields[f"text_{key}"] = forms.CharField(
                label=SECTION_HEADINGS[key],
                required=False,
                max_length=TEXT_MAX,
                widget=forms.Textarea(attrs={"rows": 4}),
            )

    @classmethod
    def initial_for(cls, briefing) -> dict:
        return {
            "title": briefing.title,
            "issuing_organ": briefing.issuing_organ,
            **{f"text_{key}": briefing.texts.get(key, "") for key in SECTION_KEYS},
        }

    def section_fields(self) -> list:
        """[(section key, bound field)] in the briefing's order."""
        return [(key, self[f"text_{key}"]) for key in SECTION_KEYS]

    def texts(self) -> dict:
        return {key: self.cleaned_data.get(f"text_{key}", "") for key in SECTION_KEYS}


class BriefingIssueForm(forms.Form):
    expected_number = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)
