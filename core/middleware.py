"""Absolute session lifetime on top of Django's idle expiry.

Django's ``SESSION_COOKIE_AGE`` with ``SESSION_SAVE_EVERY_REQUEST`` gives the idle timeout;
this middleware adds the absolute one: a session older than SESSION_ABSOLUTE_TIMEOUT is
ended however active it is, as a government system's security rules require.
"""

import time

from django.conf import settings
from django.contrib.auth import logout

SESSION_STARTED_KEY = "_session_started_at"


def mark_session_start(sender, request, user, **kwargs):
    """``user_logged_in`` receiver: the absolute lifetime counts from the moment of logging in."""
    session = getattr(request, "session", None)
    if session is not None:
        session[SESSION_STARTED_KEY] = time.time()


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
        return self.get_response(request)
