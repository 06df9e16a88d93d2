"""Helpers shared by the test modules."""

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from branches.models import OrganizationKind
from core.middleware import SESSION_REFRESHED_KEY
from tests.clock import clock_now
from tests.factories import OrganizationFactory, UserFactory


def count_queries(func, *args, **kwargs) -> tuple[int, object]:
    """Run ``func`` and return (number of SQL queries it issued, its result)."""
    with CaptureQueriesContext(connection) as ctx:
        result = func(*args, **kwargs)
    return len(ctx.captured_queries), result


def fresh_session(client) -> None:
    """Mark ``client``'s logged-in session as saved a moment ago, as after a request just before:
    the next request then does not write it (core.middleware saves a session at most once a
    minute), however long the test took to build its data since logging in."""
    if settings.SESSION_COOKIE_NAME not in client.cookies:
        return
    session = client.session
    if session.get("_auth_user_id"):
        session[SESSION_REFRESHED_KEY] = clock_now().timestamp()
        session.save()


def get_query_count(client, url: str, *, expect_status: int = 200) -> int:
    """Queries issued by one GET of ``url`` (the response must have ``expect_status``), by a
    client whose session was saved a moment ago (``fresh_session``): what a page costs."""
    fresh_session(client)
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


# ---------------------------------------------------------------- organizations and users
# (the ``org_tree`` and ``make_user`` fixtures of tests/conftest.py, and shared worlds)
def build_org_tree() -> dict:
    """Two cities side by side; city A has a committee, a department and a town under it."""
    org = OrganizationFactory
    province = org(name="江苏省", kind=OrganizationKind.PROVINCE)
    city_a = org(name="靖江市", kind=OrganizationKind.CITY, parent=province)
    committee_a = org(name="市交通运输局党委", kind=OrganizationKind.PARTY_COMMITTEE, parent=city_a)
    department_a = org(name="市行政审批局", kind=OrganizationKind.DEPARTMENT, parent=city_a)
    town_a = org(name="孤山镇", kind=OrganizationKind.TOWN, parent=city_a)
    city_b = org(name="泰兴市", kind=OrganizationKind.CITY, parent=province)
    committee_b = org(name="泰兴市发改委党组", kind=OrganizationKind.PARTY_GROUP, parent=city_b)
    return {
        "province": province,
        "city_a": city_a,
        "committee_a": committee_a,
        "department_a": department_a,
        "town_a": town_a,
        "city_b": city_b,
        "committee_b": committee_b,
    }


class UserMaker:
    """make_user(role=Role.X, organization=org, username=...) → a saved user in that role;
    unnamed users are user1, user2, … (counting on from ``start``)."""

    def __init__(self, start: int = 0):
        self.n = start

    def __call__(self, *, role=None, organization=None, username=None, password="pw-for-tests-1", **extra):
        self.n += 1
        username = username or f"user{self.n}"
        return UserFactory(
            username=username, password=password, organization=organization,
            full_name=extra.pop("full_name", username), roles=role, **extra,
        )
