"""Query shapes that are not about any one model."""


def union_of_ids(querysets):
    """One subquery: the UNION of querysets of one id column each, their orderings dropped.

    For ``pk__in``: PostgreSQL turns it into a join over the small set of ids by index, where an
    OR of EXISTS tests would be a filter on every row it cannot estimate (issue 14)."""
    first, *rest = (qs.order_by() for qs in querysets)
    return first.union(*rest) if rest else first
