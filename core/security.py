"""The client's address as the login lockout (django-axes) should count it."""

from django.conf import settings


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
