"""Pages of lists that may be huge: a count that stops at a cap (issue 14).

Counting every visible row on every view is what made the weekly-report list slow at province
scale (918,000 rows counted per page). ``CappedPaginator`` counts at most ``COUNT_CAP + 1`` rows
(``SELECT COUNT(*) FROM (… LIMIT cap + 1)``, which stops reading there) and says "more than
10,000" past it; the pages up to the cap stay reachable, and filters narrow the rest.
"""

import inspect
from functools import cached_property

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.inspect import method_has_no_args

COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    def __init__(self, object_list, per_page, *, cap: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = COUNT_CAP if cap is None else cap

    @cached_property
    def _counted(self) -> int:
        if isinstance(self.object_list, QuerySet):
            # Only the ids, in no order: the page's annotations (a secretary's name per weekly
            # report, an overdue flag) and sort would otherwise be computed for every counted
            # row — 100 ms of the weekly list's 130 at a city of the province (issue 14).
            # Filters on annotations stay in WHERE.
            return self.object_list.order_by().values("pk")[: self.cap + 1].count()
        head = self.object_list[: self.cap + 1]
        count = getattr(head, "count", None)
        if callable(count) and not inspect.isbuiltin(count) and method_has_no_args(count):
            return count()  # a queryset: SELECT COUNT(*) FROM (… LIMIT cap + 1)
        return len(head)

    @cached_property
    def count(self) -> int:
        """The number of rows, or ``cap`` when there are more (``capped`` then says so)."""
        return min(self._counted, self.cap)

    @property
    def capped(self) -> bool:
        """Whether there are more rows than ``count`` says (known from the same query)."""
        return self._counted > self.cap


def capped_page(queryset, per_page: int, number, *, cap: int | None = None):
    """The page ``number`` (a query-string value; out of range gives the nearest page)."""
    return CappedPaginator(queryset, per_page, cap=cap).get_page(number)
