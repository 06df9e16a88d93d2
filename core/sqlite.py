"""The embedded default database (SQLite, ``make run``) answers an id past 64 bits as
PostgreSQL does: no such row.

Python's sqlite3 refuses to bind an int outside SQLite's 64-bit range with ``OverflowError``,
which is not a database error: Django's forms catch ``ValueError``/``TypeError`` for a chosen id
that cannot be (``ModelChoiceField``, ``ModelMultipleChoiceField``, the filters' choices), and
PostgreSQL lookups past a column's range match nothing, but on SQLite a 25-digit id in a form or
a filter was a server error (found by tests/core/test_bad_input.py run on SQLite). Bound as text
instead, such a number is compared numerically with the integer column and matches no row.
Registered when the app loads (``CoreConfig.ready``); affects SQLite connections only.
"""

import sqlite3

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def bind_int(value: int) -> int | str:
    return value if INT64_MIN <= value <= INT64_MAX else str(value)


def register() -> None:
    sqlite3.register_adapter(int, bind_int)
