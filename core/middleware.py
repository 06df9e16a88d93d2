"""Request and response plumbing every page shares.

- ``SessionTimeoutMiddleware``: the absolute session lifetime on top of Django's idle expiry.
  Django's ``SESSION_COOKIE_AGE`` with ``SESSION_SAVE_EVERY_REQUEST`` gives the idle timeout;
  this adds the absolute one: a session older than SESSION_ABSOLUTE_TIMEOUT is ended however
  active it is, as a government system's security rules require.
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
