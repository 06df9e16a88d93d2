"""Helpers shared by the test modules."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(func, *args, **kwargs) -> tuple[int, object]:
    """Run ``func`` and return (number of SQL queries it issued, its result)."""
    with CaptureQueriesContext(connection) as ctx:
        result = func(*args, **kwargs)
    return len(ctx.captured_queries), result


def get_query_count(client, url: str, *, expect_status: int = 200) -> int:
    """Queries issued by one GET of ``url`` (the response must have ``expect_status``)."""
    n, response = count_queries(client.get, url)
    assert response.status_code == expect_status, (url, response.status_code)
    return n


def assert_status_matrix(client_factory, url: str, expectations: dict, method: str = "get", data=None):
    """Check ``url`` against users: ``expectations`` maps a user (or None for anonymous) to the
    expected status code. A 302 to the login page is what anonymous users get."""
    for user, expected in expectations.items():
        client = client_factory()
        if user is not None:
            client.force_login(user)
        response = getattr(client, method)(url, data or {})
        assert response.status_code == expected, f"{user!r} {method.upper()} {url}: {response.status_code} != {expected}"
        if user is None and expected == 302:
            assert "/accounts/login/" in response["Location"]
