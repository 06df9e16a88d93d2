"""The session's idle and absolute lifetimes.

Idle: Django ends a session ``SESSION_COOKIE_AGE`` (30 minutes) after it was last saved, in
the session table and in the cookie. Saving it on every request (``SESSION_SAVE_EVERY_REQUEST``)
rewrote the session row on every page and cost most of an empty request's throughput (issue
14), so this middleware saves a session only when its expiry would move by at least
``SESSION_REFRESH_INTERVAL`` (60 s): a session then ends between 29 and 30 minutes after the
last request, never later, and its row is written at most once a minute.

Absolute: a session older than SESSION_ABSOLUTE_TIMEOUT is ended however active it is, as a
government system's security rules require.
"""

import time

from django.conf import settings
from django.contrib.auth import logout

SESSION_STARTED_KEY = "_session_started_at"
# When the session was last saved by the idle refresh (its expiry is this plus the idle timeout).
SESSION_REFRESHED_KEY = "_session_refreshed_at"


def mark_session_start(sender, request, user, **kwargs):
    """``user_logged_in`` receiver: the absolute lifetime counts from the moment of logging in."""
    session = getattr(request, "session", None)
    if session is not None:
        session[SESSION_STARTED_KEY] = session[SESSION_REFRESHED_KEY] = time.time()


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        started = session.get(SESSION_STARTED_KEY)
        now = time.time()
        if started is None:
            # A session logged in before the receiver existed: count from now.
            if session.get("_auth_user_id"):
                session[SESSION_STARTED_KEY] = now
        elif now - started > settings.SESSION_ABSOLUTE_TIMEOUT:
            # logout() flushes the session; AuthenticationMiddleware (later) then sees nobody.
            logout(request)
        refreshed = session.get(SESSION_REFRESHED_KEY)
        # A session that exists (not an anonymous visitor without one) and was last saved a
        # minute ago or more: touch it, so that SessionMiddleware saves it and re-sends the cookie.
        if session.session_key is not None and (
            refreshed is None or now - refreshed >= settings.SESSION_REFRESH_INTERVAL
        ):
            session[SESSION_REFRESHED_KEY] = now
        response = self.get_response(request)
        if session.modified and not session.is_empty():
            # The session is being saved anyway (logging in, a message, ...): its expiry moves now.
            session[SESSION_REFRESHED_KEY] = now
        return response
