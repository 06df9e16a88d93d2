"""List filters on django-filter: one FilterSet per list, for the page and its Excel export alike.

A list's FilterSet is built from the list's query parameters (a QueryDict, or the plain dict an
export job stored) and the user — never from a request, so the worker that writes a large export
rebuilds exactly the page's rows::

    rows = ProjectFilterSet(params, user=user).qs      # the export
    filterset = ProjectFilterSet(request.GET, user=request.user)
    filterset.form, filterset.qs                         # the page

What each FilterSet decides:

- ``visible(user)``: the rows the user may see (the app's jurisdiction selector). Every filter
  narrows these rows; none widens them.
- the choices of its person, branch, project and unit filters (``picker``), each restricted to
  what the user may see; an id outside them is a form error (in Chinese) and the filter is
  ignored — never a 500, never a row from outside the user's reach.
- ``select(filters, search)``: the rows, through the app's list selector, which holds the
  lookups (one rule in one place: the selector's tests pin them).

Invalid values are form errors that the page shows; the valid filters still apply (or none, for
the lists that set ``all_or_nothing``), and the list still renders.

``picker`` is the one place that chooses the widget of every person/branch/project/unit filter:
``PICKER_WIDGET``, the typeahead of ``core.widgets``, which pages through the FilterSet's own
choices at ``/pick/list_<kind>/`` (``filter_rows``).
"""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.forms.models import ModelChoiceIterator
from django.http import Http404, QueryDict
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapFormMixin, DateInput
from core.pickers import register_picker
from core.widgets import PickerSelect

ALL = _("All")
ANY = _("Any")
SEARCH = _("Search")

# The widget of every picker filter (see ``picker``): a typeahead (core.widgets) that renders
# only the chosen row and pages through the filter's rows at /pick/list_<kind>/?list=…&filter=….
# ``forms.Select`` here renders every row instead.
PICKER_WIDGET = PickerSelect


class FilterForm(BootstrapFormMixin, forms.Form):
    """The form django-filter builds for a FilterSet: Bootstrap classes on every widget."""


# ---------------------------------------------------------------- pickers
class _PickerIterator(ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.field.rows():
            yield self.choice(obj)

    def __len__(self):
        return len(self.field.rows()) + (self.field.empty_label is not None)

    def __bool__(self):
        return self.field.empty_label is not None or bool(self.field.rows())


class PickerField(forms.ModelChoiceField):
    """A model choice whose rows are read once per form (one query for the options and the
    validation alike); ``label_from_instance`` names a row as the list's filter shows it."""

    iterator = _PickerIterator

    def __init__(self, *args, label_from_instance=None, rows=None, **kwargs):
        self._rows = None
        self._label = label_from_instance
        super().__init__(*args, **kwargs)
        self._rows = rows  # the queryset's rows when the FilterSet has read them already

    def _set_queryset(self, queryset):
        self._rows = None
        super()._set_queryset(queryset)

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result._rows = self._rows  # the same queryset: the same rows
        return result

    def rows(self) -> list:
        if self._rows is None:
            self._rows = [] if self.queryset is None else list(self.queryset)
        return self._rows

    def label_from_instance(self, obj):
        return self._label(obj) if self._label else super().label_from_instance(obj)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if self._rows is None and isinstance(self.widget, PickerSelect):
            return super().to_python(value)  # a typeahead: one row by its id, not every row
        key = self.to_field_name or "pk"
        for obj in self.rows():
            if str(getattr(obj, key)) == str(value):
                return obj
        raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value})

    def has_changed(self, initial, data):
        return str(initial or "") != str(data or "")


class PickerFilter(django_filters.ModelChoiceFilter):
    field_class = PickerField

    def __init__(self, *args, kind: str, **kwargs):
        self.kind = kind
        super().__init__(*args, **kwargs)


def picker(label, *, kind: str, label_from_instance=None, empty_label=ALL, **kwargs) -> PickerFilter:
    """A person/branch/project/unit filter (``kind``: branch, project, unit, person, field): its
    rows are set per user by the FilterSet's ``restrict`` (``self.limit(name, queryset)``); its
    widget is ``PICKER_WIDGET``, pointed by the FilterSet at the ``list_<kind>`` source."""
    return PickerFilter(
        label=label,
        kind=kind,
        queryset=None,
        empty_label=empty_label,
        label_from_instance=label_from_instance,
        **kwargs,
    )


def choice_filter(label, choices=(), *, empty_label=ALL, **kwargs) -> django_filters.ChoiceFilter:
    """A filter among fixed (or, set by ``restrict`` with ``self.choose``, per-user) choices."""
    return django_filters.ChoiceFilter(label=label, choices=list(choices), empty_label=empty_label, **kwargs)


def search_filter(label=SEARCH, *, placeholder=None, **kwargs) -> django_filters.CharFilter:
    attrs = {"placeholder": placeholder} if placeholder else {}
    return django_filters.CharFilter(label=label, widget=forms.TextInput(attrs=attrs), **kwargs)


def date_filter(label) -> django_filters.DateFilter:
    return django_filters.DateFilter(label=label, widget=DateInput())


class FlagFilter(django_filters.Filter):
    field_class = forms.BooleanField


def flag_filter(label) -> FlagFilter:
    """A checkbox: ticked narrows the list, unticked leaves it alone."""
    return FlagFilter(label=label)


def batch_choices(batches, *, named: bool = True) -> list[tuple[str, str]]:
    if named:
        return [(str(b), _("Batch %(n)s") % {"n": b}) for b in batches]
    return [(str(b), str(b)) for b in batches]


# ---------------------------------------------------------------- the FilterSet
def _as_querydict(data):
    """A QueryDict as it is; a plain dict (an export job's ``{key: [values]}`` or ``{key: value}``)
    as the QueryDict of the same query string."""
    if data is None or isinstance(data, QueryDict):
        return data
    query = QueryDict(mutable=True)
    for key, values in dict(data).items():
        query.setlist(key, [str(v) for v in (values if isinstance(values, (list, tuple)) else [values])])
    query._mutable = False
    return query


class ListFilterSet(django_filters.FilterSet):
    """The base of every list's FilterSet: ``FilterSet(params, user=user)``."""

    #: The query parameter of the free-text search (not a filter of the selector's).
    search_param = "q"
    #: Whether one invalid value drops every filter (the lists whose page always did so).
    all_or_nothing = False

    class Meta:
        form = FilterForm

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        _LISTS[cls.__name__] = cls

    def __init__(self, data=None, *, user, **kwargs):
        self.user = user
        super().__init__(_as_querydict(data) or None, queryset=self.visible(user), **kwargs)
        self.restrict(user)
        for name, filter_ in self.filters.items():
            if isinstance(filter_, PickerFilter):
                filter_.extra["widget"] = _picker_widget(self, name, filter_)

    # -------------------------------------------------------- what a list defines
    def visible(self, user) -> QuerySet:
        raise NotImplementedError

    def restrict(self, user) -> None:
        """Set the per-user choices (``limit`` and ``choose``) before the form is built."""

    def select(self, filters: dict, search: str) -> QuerySet:
        raise NotImplementedError

    # -------------------------------------------------------- helpers for ``restrict``
    def limit(self, name: str, queryset, *, rows=None, label=None) -> None:
        """The rows filter ``name`` offers and accepts (``rows``: the queryset already read;
        ``label``: how an option names a row, when it depends on the rows)."""
        self.filters[name].queryset = queryset
        if rows is not None:
            self.filters[name].extra["rows"] = rows
        if label is not None:
            self.filters[name].extra["label_from_instance"] = label

    def choose(self, name: str, choices) -> None:
        self.filters[name].extra["choices"] = list(choices)

    # -------------------------------------------------------- the rows
    def values(self) -> tuple[dict, str]:
        """(filters, search): the valid, non-empty values; model rows as their ids."""
        if not self.is_bound:
            return {}, ""
        form = self.form
        if not form.is_valid() and self.all_or_nothing:
            return {}, ""
        data = {k: v for k, v in form.cleaned_data.items() if k not in form.errors}
        search = (data.pop(self.search_param, "") or "").strip() if self.search_param else ""
        filters = {k: (v.pk if isinstance(v, Model) else v) for k, v in data.items() if v not in (None, "", False)}
        return filters, search

    @property
    def filtered(self) -> bool:
        """Whether any filter or search is in use (phones fold the filters away otherwise)."""
        filters, search = self.values()
        return bool(filters or search)

    @property
    def qs(self) -> QuerySet:
        if not hasattr(self, "_qs"):
            self._qs = self.select(*self.values())
        return self._qs


# ---------------------------------------------------------------- the typeahead's sources
_LISTS: dict[str, type[ListFilterSet]] = {}

# What a typeahead of each kind of picker searches.
PICKER_SEARCH = {
    "branch": ("name",),
    "project": ("name",),
    "unit": ("name",),
    "field": ("name",),
    "person": ("full_name", "username"),
}


def _picker_widget(filterset: ListFilterSet, name: str, filter_: PickerFilter):
    if PICKER_WIDGET is PickerSelect:
        return PickerSelect(source=f"list_{filter_.kind}", params={"list": type(filterset).__name__, "filter": name})
    return PICKER_WIDGET


def filter_rows(user, params) -> QuerySet:
    """The rows the picker ``?filter=`` of the list ``?list=`` offers ``user``: the FilterSet's
    own choices (so the typeahead never offers what the filter would refuse); anything else is a 404."""
    filterset_class = _LISTS.get(params.get("list", ""))
    if filterset_class is None or filterset_class.__subclasses__():
        raise Http404
    filter_ = filterset_class(None, user=user).filters.get(params.get("filter", ""))
    if not isinstance(filter_, PickerFilter) or filter_.queryset is None:
        raise Http404
    return filter_.queryset


for _kind, _fields in PICKER_SEARCH.items():
    register_picker(
        f"list_{_kind}",
        search=_fields,
        label=(lambda u: u.get_full_name() or u.username) if _kind == "person" else str,
    )(filter_rows)
