"""Typeahead pickers: named sources of choices that a JSON endpoint pages through.

A source is registered by the app that owns the rows (``@register_picker("people", ...)`` in the
app's ``pickers`` module, found by autodiscovery as admin and exports are). It maps the signed-in
user and the request's query parameters to the queryset of rows that user may choose; the form
field that uses the picker validates against the same selector, so a posted id outside the
user's reach is a form error, never a row of someone else's. The endpoint
(``core:picker``, ``/pick/<source>/?q=…&page=…``) answers at most ``PAGE_SIZE`` rows, whatever
the size of the registry, with a fixed number of queries.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404, QueryDict
from django.utils.module_loading import autodiscover_modules

PAGE_SIZE = 20
MAX_QUERY = 50


@dataclass(frozen=True)
class PickerSource:
    name: str
    queryset: Callable[..., QuerySet]
    search_fields: tuple[str, ...]
    label: Callable[[object], str]


_REGISTRY: dict[str, PickerSource] = {}


def register_picker(name: str, *, search: tuple[str, ...] = ("name",), label: Callable[[object], str] = str):
    """Register ``func(user, params) -> QuerySet`` as the source ``name``. ``func`` raises
    ``Http404`` when a scope named in ``params`` (a branch, a project) is outside the user's reach."""

    def decorator(func):
        _REGISTRY[name] = PickerSource(name=name, queryset=func, search_fields=tuple(search), label=label)
        return func

    return decorator


def picker_source(name: str) -> PickerSource:
    autodiscover_modules("pickers")
    try:
        return _REGISTRY[name]
    except KeyError:
        raise Http404 from None


def picker_names() -> list[str]:
    """The names of every registered source (the permission matrix asks each)."""
    autodiscover_modules("pickers")
    return sorted(_REGISTRY)


def scope_id(params: QueryDict, key: str) -> int:
    """The id a source is scoped to (``?branch=12``): a missing, malformed or impossibly large
    one (past the database's bigint) is a 404."""
    value = params.get(key, "")
    if not (value.isascii() and value.isdecimal()) or len(value) > 18:
        raise Http404
    return int(value)


def picker_page(*, source: PickerSource, user, params: QueryDict) -> dict:
    """One page of ``source``'s rows for ``user`` matching ``params["q"]``: ``{"results": [{"value",
    "text"}], "more": bool}``. One query for the rows (one more row is read to know if more follow)."""
    qs = source.queryset(user, params)
    search = (params.get("q") or "").strip()[:MAX_QUERY]
    for word in search.split():
        match = Q()
        for field in source.search_fields:
            match |= Q(**{f"{field}__icontains": word})
        qs = qs.filter(match)
    page = params.get("page", "1")
    page = int(page) if page.isascii() and page.isdecimal() and len(page) < 4 and int(page) > 0 else 1
    start = (page - 1) * PAGE_SIZE
    rows = list(qs[start : start + PAGE_SIZE + 1])
    return {
        "results": [{"value": row.pk, "text": source.label(row)} for row in rows[:PAGE_SIZE]],
        "more": len(rows) > PAGE_SIZE,
    }
