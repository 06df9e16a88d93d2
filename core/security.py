"""Small security helpers: the client's address as the login lockout (django-axes) should count
it, and where a form may send the user back to (its ``next`` field)."""

from django.conf import settings
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

# A ``next`` longer than this is no page of ours.
NEXT_MAX_LENGTH = 2000


def client_ip(request) -> str | None:
    """REMOTE_ADDR, or the address the outermost trusted proxy saw.

    Each proxy appends the peer it talked to onto X-Forwarded-For, so with N trusted proxies
    the client is the N-th entry from the right. Entries further left were written by the
    client itself and are never trusted (they would let an attacker dodge the lockout).
    """
    remote = request.META.get("REMOTE_ADDR")
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < count:
        # Fewer hops than configured: the request did not come through the proxies.
        return remote
    return forwarded[-count]


def safe_local_url(request, value) -> str | None:
    """``value`` if it is a path on this site ("/…"), else None: an absolute or scheme-relative
    URL, another host, control characters, or text that is no URL at all are all ignored."""
    if not isinstance(value, str) or not value or len(value) > NEXT_MAX_LENGTH:
        return None
    if not value.startswith("/") or value.startswith(("//", "/\\")):
        return None
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        return None
    if not url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return None
    return value


def redirect_back(request, fallback: str, *args, **kwargs):
    """Back to the form's ``next`` (POST, then GET) when it is a safe local path; otherwise to
    the URL named ``fallback``. A bad ``next`` is ignored, never an error."""
    target = safe_local_url(request, request.POST.get("next") or request.GET.get("next"))
    if target:
        return HttpResponseRedirect(target)
    return redirect(fallback, *args, **kwargs)
