"""Typeahead pickers: named sources of choices that a JSON endpoint pages through.

A source is registered by the app that owns the rows (``@register_picker("people", ...)`` in the
app's ``pickers`` module, found by autodiscovery as admin and exports are). It maps the signed-in
user and the request's query parameters to the queryset of rows that user may choose; the form
field that uses the picker validates against the same selector, so a posted id outside the
user's reach is a form error, never a row of someone else's. The endpoint
(``core:picker``, ``/pick/<source>/?q=…&page=…``) answers at most ``PAGE_SIZE`` rows, whatever
the size of the registry, with a bounded number of queries.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django.db.models import Case, F, Q, QuerySet, Value, When
from django.db.models.functions import Collate
from django.http import Http404, QueryDict
from django.utils.module_loading import autodiscover_modules

PAGE_SIZE = 20
MAX_QUERY = 50
# A ranked source first asks for the ids of at most this many matches, in no order (a scan that
# stops early when matches are many). Fewer: the page is sorted out of those alone. As many: the
# matches are dense, and walking the ranking index in order finds a page quickly.
PROBE = 200


@dataclass(frozen=True)
class PickerSource:
    name: str
    queryset: Callable[..., QuerySet]
    search_fields: tuple[str, ...]
    label: Callable[[object], str]
    rank: str | None = None


_REGISTRY: dict[str, PickerSource] = {}


def register_picker(
    name: str, *, search: tuple[str, ...] = ("name",), label: Callable[[object], str] = str, rank: str | None = None
):
    """Register ``func(user, params) -> QuerySet`` as the source ``name``. ``func`` raises
    ``Http404`` when a scope named in ``params`` (a branch, a project) is outside the user's reach.

    ``rank`` names the field of a large registry (the Party members of a province) to answer in
    the order of: rows whose ``rank`` starts with the first word typed, then the other matches,
    each in code-point order of ``rank`` (then id). It wants an index on ``(rank COLLATE "C",
    id)`` on PostgreSQL (see ``rank_key``): with it a page is read off the index, whatever the
    size of the registry; without ``rank`` the page follows the source's own ordering."""

    def decorator(func):
        _REGISTRY[name] = PickerSource(
            name=name, queryset=func, search_fields=tuple(search), label=label, rank=rank
        )
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


def rank_key(field: str):
    """The expression a ranked source sorts and prefix-matches on: ``field`` in code-point
    order. On PostgreSQL the "C" collation, so that ``LIKE '张%'`` is a range of the index on
    ``(field COLLATE "C", id)`` whatever the database's own collation (only "C" makes a prefix a
    range); SQLite compares code points already."""
    return Collate(F(field), "C") if connection.vendor == "postgresql" else F(field)


def _cased(word: str) -> bool:
    # A text without cased letters (Chinese, digits) matches the same with or without case
    # folding; without it the database compares the column as stored instead of upper-casing
    # every row it reads.
    return word.lower() != word.upper()


def _word_match(qs: QuerySet, field: str, word: str) -> Q:
    lookup = "icontains" if _cased(word) else "contains"
    relation, _, name = field.rpartition("__")
    if relation and "__" not in relation:
        # A field of a related row (the person's unit's name): the ids of the related rows that
        # match, once, instead of joining and testing that row again for every row searched.
        related = qs.model._meta.get_field(relation).related_model
        return Q(**{f"{relation}__in": related._default_manager.filter(**{f"{name}__{lookup}": word}).values("pk")})
    return Q(**{f"{field}__{lookup}": word})


def _matching(source: PickerSource, qs: QuerySet, words: list[str]) -> QuerySet:
    for word in words:
        match = Q()
        for field in source.search_fields:
            match |= _word_match(qs, field, word)
        qs = qs.filter(match)
    return qs


def _ranked_rows(source: PickerSource, qs: QuerySet, words: list[str], start: int, stop: int) -> list:
    """Rows ``start:stop`` of a ranked source's matches (see ``register_picker``)."""
    qs = qs.annotate(_rank_key=rank_key(source.rank))
    if not words:
        return list(qs.order_by("_rank_key", "pk")[start:stop])
    prefix = Q(**{f"_rank_key__{'istartswith' if _cased(words[0]) else 'startswith'}": words[0]})
    ids = list(qs.order_by().values_list("pk", flat=True)[:PROBE])
    if len(ids) < PROBE:
        # Every match is known: sort the few.
        tier = Case(When(prefix, then=Value(0)), default=Value(1))
        return list(qs.filter(pk__in=ids).annotate(_tier=tier).order_by("_tier", "_rank_key", "pk")[start:stop])
    # Many matches: the prefix matches are a range of the index, the others are dense in it.
    first = list(qs.filter(prefix).order_by("_rank_key", "pk")[start:stop])
    if len(first) == stop - start:
        return first
    before = start + len(first) if first or not start else qs.filter(prefix).count()
    rest = qs.exclude(prefix).order_by("_rank_key", "pk")
    return first + list(rest[max(0, start - before) : stop - before])


def picker_page(*, source: PickerSource, user, params: QueryDict) -> dict:
    """One page of ``source``'s rows for ``user`` matching ``params["q"]``: ``{"results": [{"value",
    "text"}], "more": bool}``. One query for the rows (one more row is read to know if more
    follow); a ranked source at most three (four on a later page that starts past the prefix
    matches: their count), whatever the size of the registry."""
    qs = source.queryset(user, params)
    words = (params.get("q") or "").strip()[:MAX_QUERY].split()
    qs = _matching(source, qs, words)
    page = params.get("page", "1")
    page = int(page) if page.isascii() and page.isdecimal() and len(page) < 4 and int(page) > 0 else 1
    start = (page - 1) * PAGE_SIZE
    stop = start + PAGE_SIZE + 1
    rows = _ranked_rows(source, qs, words, start, stop) if source.rank else list(qs[start:stop])
    return {
        "results": [{"value": row.pk, "text": source.label(row)} for row in rows[:PAGE_SIZE]],
        "more": len(rows) > PAGE_SIZE,
    }
