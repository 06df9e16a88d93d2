"""Form pieces every room's filters share: the "any" choice, yes/no, a user picker, the filter-form base."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapFormMixin


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        unit = f"（{obj.organization}）" if obj.organization_id else ""
        return f"{obj.get_full_name()}{unit}"


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


YES_NO = [("", _("Any")), ("yes", _("Yes")), ("no", _("No"))]


def _textarea(rows, placeholder=""):
    return forms.Textarea(attrs={"rows": rows, "placeholder": placeholder})
