"""Ids past 64 bits on the embedded default database (core/sqlite.py): no row, no server error."""

import sqlite3

from hypothesis import given
from hypothesis import strategies as st

from core.sqlite import INT64_MAX, INT64_MIN, bind_int


@given(st.integers())
def test_every_int_binds_as_itself_or_its_digits(value):
    bound = bind_int(value)
    if INT64_MIN <= value <= INT64_MAX:
        assert bound == value and type(bound) is int
    else:
        assert bound == str(value)


def test_a_25_digit_id_matches_no_row_on_sqlite():
    # The adapter is registered when Django loads (CoreConfig.ready), for every sqlite3 connection.
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE person (id integer PRIMARY KEY, name text)")
    conn.executemany("INSERT INTO person VALUES (?, ?)", [(1, "李娟"), (INT64_MAX, "最大")])
    for huge in (10**24, -(10**24), INT64_MAX + 1, INT64_MIN - 1):
        assert conn.execute("SELECT name FROM person WHERE id = ?", (huge,)).fetchall() == []
        assert conn.execute("SELECT name FROM person WHERE id IN (?, ?)", (1, huge)).fetchall() == [("李娟",)]
    assert conn.execute("SELECT name FROM person WHERE id = ?", (INT64_MAX,)).fetchall() == [("最大",)]
    assert conn.execute("SELECT ? + 1", (True,)).fetchall() == [(2,)]  # bool keeps binding as an int
