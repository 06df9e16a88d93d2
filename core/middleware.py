"""Request and response plumbing every page shares.

- ``SessionTimeoutMiddleware``: the session's idle and absolute lifetimes. Idle: Django ends a
  session ``SESSION_COOKIE_AGE`` (30 minutes) after it was last saved, in the session table and
  in the cookie. Saving it on every request (``SESSION_SAVE_EVERY_REQUEST``) rewrote the session
  row on every page and cost most of an empty request's throughput (issue 14), so the session is
  saved only when its expiry would move by at least ``SESSION_REFRESH_INTERVAL`` (60 s): it ends
  between 29 and 30 minutes after the last request, never later, and its row is written at most
  once a minute. Absolute: a session older than SESSION_ABSOLUTE_TIMEOUT is ended however active
  it is, as a government system's security rules require.
- ``RejectNulMiddleware``: a request whose path, query or form values hold a NUL character is a
  400 (no person types one, and PostgreSQL cannot store one: it would be a 500 deeper down).
- ``NoStoreMiddleware``: every response to a signed-in user (pages, exports, attachments) says
  ``Cache-Control: no-store, private`` unless the view set its own, so neither the browser nor a
  proxy keeps a copy of what only that user may see (a shared office computer, the back button
  after logging out).
"""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.core.exceptions import BadRequest

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


def _holds_nul(request) -> bool:
    if "\x00" in request.path:
        return True
    for data in (request.GET, request.POST if request.method == "POST" else None):
        if data and any("\x00" in key or any("\x00" in value for value in values) for key, values in data.lists()):
            return True
    if request.method == "POST" and any("\x00" in (f.name or "") for f in request.FILES.values()):
        return True
    return False


class RejectNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _holds_nul(request):
            raise BadRequest("NUL character in the request")
        return self.get_response(request)


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-store, private"
        return response
