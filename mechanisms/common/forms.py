"""Form pieces the rooms' forms share: yes/no, a user picker, a textarea."""

from django import forms
from django.utils.translation import gettext_lazy as _


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        unit = f"（{obj.organization}）" if obj.organization_id else ""
        return f"{obj.get_full_name()}{unit}"


YES_NO = [("", _("Any")), ("yes", _("Yes")), ("no", _("No"))]


def _textarea(rows, placeholder=""):
    return forms.Textarea(attrs={"rows": rows, "placeholder": placeholder})
