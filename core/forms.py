"""Form plumbing: Bootstrap classes on every widget, so templates stay one include; the limits
of free text stated and enforced on every form; the phone-number field."""

import re

from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordChangeForm
from django.core.validators import MaxLengthValidator, RegexValidator
from django.utils.translation import gettext_lazy as _

# How much free text a form accepts, in characters, where its model or form names no limit of
# its own: a description, minutes or a note is a page or two (the detail page, the export cell
# and a reader's patience stay sane); a one-line answer is a line.
LONG_TEXT_MAX = 5000
SHORT_TEXT_MAX = 200

TOO_LONG = _("At most %(limit_value)d characters are allowed here; the text has %(show_value)d. Shorten it and save again.")

# Mainland mobile numbers (dashes between the 3-4-4 groups allowed, as Excel sheets write them),
# and landlines with their area code (a dash is optional) and an optional extension:
# 13912345678, 139-1234-5678, 0523-84812345, 052384812345, 025-8481234-801, 0523-84812345转801.
PHONE_RE = re.compile(r"^(?:1[3-9]\d-?\d{4}-?\d{4}|0\d{2,3}-?\d{7,8}(?:(?:-|转|#)\d{1,6})?)$", re.ASCII)
validate_phone = RegexValidator(
    PHONE_RE,
    _("Enter a mainland mobile number (11 digits starting with 1) or a landline with its area code, e.g. 0523-84812345."),
    code="phone",
)


class PhoneField(forms.CharField):
    """Every phone number a form takes: spaces the user typed are dropped, then ``validate_phone``."""

    default_validators = [validate_phone]

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "inputmode": "tel", "autocomplete": "tel"}

    def to_python(self, value):
        return re.sub(r"\s+", "", super().to_python(value))


def upload_help() -> str:
    return _("At most %(limit)s MB.") % {"limit": settings.UPLOAD_MAX_BYTES // 1024 // 1024}


def _limit_text(field) -> None:
    """Give a free-text field a limit (its own, or one of the defaults), the clear message, and
    the limit on the page: a counter under a text area, the input's maxlength on a line."""
    is_area = isinstance(field.widget, forms.Textarea)
    limit = field.max_length or (LONG_TEXT_MAX if is_area else SHORT_TEXT_MAX)
    field.max_length = limit
    field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
    field.validators.append(MaxLengthValidator(limit, message=TOO_LONG))
    if is_area:
        # No maxlength on a text area: a browser would cut a longer paste silently. The counter
        # (static/js/app.js) shows the count; the server answers with TOO_LONG and keeps the text.
        field.widget.attrs.pop("maxlength", None)
        field.widget.attrs["data-maxlength"] = limit
        if field.help_text:
            field.help_text = _("%(help)s At most %(limit)s characters.") % {"help": field.help_text, "limit": limit}
        else:
            field.help_text = _("At most %(limit)s characters.") % {"limit": limit}
    elif not field.widget.is_hidden:
        field.widget.attrs["maxlength"] = limit


class BootstrapFormMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if type(field) is forms.CharField or isinstance(field, PhoneField):
                _limit_text(field)
            widget = field.widget
            if isinstance(widget, (forms.CheckboxInput,)):
                css = "form-check-input"
            elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
                css = "form-select"
            elif isinstance(widget, forms.CheckboxSelectMultiple):
                css = ""
            else:
                css = "form-control"
            existing = widget.attrs.get("class", "")
            if css not in existing.split():
                widget.attrs["class"] = f"{existing} {css}".strip()


class StyledPasswordChangeForm(BootstrapFormMixin, PasswordChangeForm):
    pass


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")
