"""Logging in and out, the lockout after repeated failures and its undoing, session expiry."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.security import client_ip

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-1"
LOGIN = "/accounts/login/"
# Any page behind login that every account may open, whatever landing pages exist.
PRIVATE = "/accounts/password/"
START = datetime(2026, 3, 2, 8, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


def _post_login(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def _is_logged_in(client) -> bool:
    response = client.get(PRIVATE)
    if response.status_code == 200:
        return True
    assert response.status_code == 302 and response["Location"].startswith(LOGIN), response
    return False


# ---------------------------------------------------------------- log in / log out
def test_login_page_is_chinese_by_default(client):
    response = client.get(LOGIN)

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "密码" in html  # Password
    assert "登录" in html  # Log in
    assert 'name="username"' in html and 'name="password"' in html


def test_login_with_the_right_password_then_logout(client, make_user):
    user = make_user(username="chenming")

    response = _post_login(client, "chenming", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert _is_logged_in(client)

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session
    assert not _is_logged_in(client)


def test_login_with_a_wrong_password_shows_the_form_again_in_chinese(client, make_user):
    make_user(username="chenming")

    response = _post_login(client, "chenming", "wrong")

    assert response.status_code == 200
    html = response.content.decode()
    assert "alert-danger" in html
    assert "区分大小写" in html  # Django's "both fields may be case-sensitive", in Chinese
    assert 'value="chenming"' in html  # what the user typed is kept
    assert "_auth_user_id" not in client.session


def test_anonymous_user_is_sent_to_login(client):
    response = client.get(PRIVATE)

    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={PRIVATE}"


# ---------------------------------------------------------------- lockout (django-axes)
def _lock_out(client, username):
    limit = settings.AXES_FAILURE_LIMIT
    assert limit == 3
    for _ in range(limit - 1):
        response = _post_login(client, username, "wrong")
        assert response.status_code == 200
    return _post_login(client, username, "wrong")


def _assert_locked_page(response):
    assert response.status_code == 429
    assert "registration/locked_out.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "bi-lock-fill" in html


def test_lockout_after_failure_limit_even_with_the_right_password(client, make_user):
    make_user(username="chenming")

    _assert_locked_page(_lock_out(client, "chenming"))

    response = _post_login(client, "chenming", PASSWORD)
    _assert_locked_page(response)
    assert "_auth_user_id" not in client.session
    attempt = AccessAttempt.objects.get(username="chenming")
    # The right password while locked out is refused and counted like any other attempt.
    assert attempt.failures_since_start == settings.AXES_FAILURE_LIMIT + 1


def test_lockout_is_per_account(client, make_user):
    make_user(username="chenming")
    make_user(username="wangjin")
    _lock_out(client, "chenming")

    response = _post_login(client, "wangjin", PASSWORD)

    assert response.status_code == 302


def test_admin_unlocks_an_account_in_the_admin(client, make_user):
    make_user(username="chenming")
    _lock_out(client, "chenming")
    attempt = AccessAttempt.objects.get(username="chenming")
    admin = make_user(username="root", is_staff=True, is_superuser=True)
    admin_client = type(client)()
    admin_client.force_login(admin)

    listing = admin_client.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200
    assert "chenming" in listing.content.decode()
    response = admin_client.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="chenming").exists()

    response = _post_login(client, "chenming", PASSWORD)
    assert response.status_code == 302
    assert _is_logged_in(client)


def test_admin_unlocks_an_account_with_axes_reset(client, make_user):
    make_user(username="chenming")
    _lock_out(client, "chenming")

    call_command("axes_reset_username", "chenming")

    response = _post_login(client, "chenming", PASSWORD)
    assert response.status_code == 302
    assert _is_logged_in(client)


def test_lockout_behind_a_proxy_counts_each_client_address(client, make_user, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    make_user(username="chenming")
    attacker = {"HTTP_X_FORWARDED_FOR": "203.0.113.9", "REMOTE_ADDR": "10.0.0.2"}
    office = {"HTTP_X_FORWARDED_FOR": "198.51.100.7", "REMOTE_ADDR": "10.0.0.2"}

    for _ in range(settings.AXES_FAILURE_LIMIT):
        last = _post_login(client, "chenming", "wrong", **attacker)
    _assert_locked_page(last)

    # Same proxy, another client: the lockout is per (username, client address).
    assert _post_login(client, "chenming", PASSWORD, **office).status_code == 302
    assert AccessAttempt.objects.get(username="chenming").ip_address == "203.0.113.9"


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.2"),  # no proxy trusted: the header is the client's own words
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "1.2.3.4, 203.0.113.9", "203.0.113.9"),  # the left entry was forged by the client
        (2, "1.2.3.4, 203.0.113.9, 10.0.0.1", "203.0.113.9"),
        (2, "203.0.113.9", "10.0.0.2"),  # fewer hops than proxies: not through them
        (1, "", "10.0.0.2"),
    ],
)
def test_client_ip(settings, count, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)

    assert client_ip(request) == expected


# ---------------------------------------------------------------- session expiry
def test_session_expires_after_30_idle_minutes(client, make_user):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    user = make_user(username="chenming")
    with time_machine.travel(START, tick=False) as clock:
        client.force_login(user)
        assert _is_logged_in(client)

        # Activity keeps the session alive well past 30 minutes in total...
        for _ in range(3):
            clock.shift(timedelta(minutes=29))
            assert _is_logged_in(client)

        # ...but 31 minutes without a request end it.
        clock.shift(timedelta(minutes=31))
        assert not _is_logged_in(client)


def _session_writes(queries) -> int:
    return sum(1 for q in queries if q["sql"].startswith(("UPDATE \"django_session\"", "INSERT INTO \"django_session\"")))


def test_session_is_written_at_most_once_a_minute(client, make_user):
    assert settings.SESSION_REFRESH_INTERVAL == 60
    user = make_user(username="chenming")
    with time_machine.travel(START, tick=False) as clock:
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        # Two requests within the minute after logging in write nothing to the session table and
        # send no new cookie.
        with CaptureQueriesContext(connection) as ctx:
            for seconds in (10, 30):
                clock.shift(timedelta(seconds=seconds))
                response = client.get(PRIVATE)
                assert response.status_code == 200
                assert settings.SESSION_COOKIE_NAME not in response.cookies
        assert _session_writes(ctx.captured_queries) == 0

        # A minute after the last write, the next request moves the expiry: one write, a new cookie.
        clock.shift(timedelta(seconds=20))
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(PRIVATE)
        assert _session_writes(ctx.captured_queries) == 1
        assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 30 * 60
        assert client.cookies[settings.SESSION_COOKIE_NAME].value == cookie  # the same session

        # Idle for 30 minutes since that write (29½ since the last request): logged out.
        clock.shift(timedelta(seconds=30))
        assert _is_logged_in(client)
        clock.shift(timedelta(minutes=29, seconds=30))
        assert not _is_logged_in(client)


def test_session_ends_12_hours_after_login_however_active(client, make_user):
    assert settings.SESSION_ABSOLUTE_TIMEOUT == 12 * 60 * 60
    make_user(username="chenming")
    with time_machine.travel(START, tick=False) as clock:
        assert _post_login(client, "chenming", PASSWORD).status_code == 302

        elapsed = timedelta()
        step = timedelta(minutes=25)
        while elapsed + step <= timedelta(hours=12):
            clock.shift(step)
            elapsed += step
            assert _is_logged_in(client), f"logged out after {elapsed}"

        clock.shift(timedelta(hours=12) - elapsed + timedelta(minutes=1))
        assert not _is_logged_in(client)
        # The user can log in again at once and gets a fresh 12 hours.
        assert _post_login(client, "chenming", PASSWORD).status_code == 302
        clock.shift(timedelta(minutes=5))
        assert _is_logged_in(client)
