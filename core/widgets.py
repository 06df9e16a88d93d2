"""Typeahead widgets: a <select> that renders only the chosen option(s) and names the endpoint
that finds the others (``static/js/pickers.js`` turns it into a Tom Select with remote search).

    field.widget = PickerSelect(source="people")                 # one choice
    field.widget = PickerSelectMultiple(source="units", params={"branch": 3})

``source`` is a name registered with ``core.pickers.register_picker``; ``params`` scope it and
travel in the endpoint's query string. The field keeps its queryset: validation still checks a
posted id against what the user may choose, while the page renders at most the chosen rows."""

from django import forms
from django.forms.models import ModelChoiceIterator
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _


class _PickerMixin:
    def __init__(self, attrs=None, *, source: str, params: dict | None = None):
        super().__init__(attrs)
        self.source = source
        self.params = dict(params or {})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        url = reverse("picker", args=[self.source])
        if self.params:
            url += "?" + urlencode(self.params)
        widget_attrs = context["widget"]["attrs"]
        widget_attrs["data-picker-url"] = url
        widget_attrs.setdefault("data-placeholder", str(_("Type to search…")))
        widget_attrs["data-picker-none"] = str(_("No results"))
        widget_attrs["data-picker-more"] = str(_("More match: type more to narrow the list…"))
        # The titles of Tom Select's buttons (its own are English: "Clear All", "Remove").
        widget_attrs["data-picker-clear"] = str(_("Clear"))
        widget_attrs["data-picker-remove"] = str(_("Take out of the choice"))
        return context

    def _chosen_choices(self, value):
        """The field's empty choice (if any) and the chosen rows only: one query for the rows,
        none when nothing is chosen."""
        wanted = [str(v) for v in value if str(v).isdecimal()]
        choices = self.choices
        if not isinstance(choices, ModelChoiceIterator):
            return [c for c in choices if c[0] == "" or str(c[0]) in wanted]
        rows = []
        if choices.field.empty_label is not None and not self.allow_multiple_selected:
            rows.append(("", choices.field.empty_label))
        if wanted:
            queryset = choices.queryset.filter(pk__in=wanted)
            rows.extend(choices.choice(obj) for obj in queryset)
        return rows

    def use_required_attribute(self, initial):
        # Tom Select hides the <select>; a browser cannot point at a hidden required field, so
        # the server's "This field is required." speaks instead (and nothing reads the choices).
        return False

    def optgroups(self, name, value, attrs=None):
        full = self.choices
        self.choices = self._chosen_choices(value)
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = full


class PickerSelect(_PickerMixin, forms.Select):
    pass


class PickerSelectMultiple(_PickerMixin, forms.SelectMultiple):
    pass
