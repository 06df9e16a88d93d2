"""Where an outgoing webhook (a group robot) may go: no server-side request forgery.

Two settings (docs/deployment.md):

- ``WEBHOOK_ALLOWED_HOSTS``: the hosts a webhook URL may name — by default the WeCom and
  DingTalk robot hosts. A URL naming any other host is refused when it is saved
  (``validate_webhook_url``, a validator of the model fields) and again when the worker connects
  (``open_webhook``), so a URL saved before the list changed is refused too.
- ``WEBHOOK_INTERNAL_HOSTS``: hosts (an intranet gateway) that are allowed as well *and* may
  resolve to private, loopback or link-local addresses. Every other host must resolve to public
  addresses only, so a poisoned or rebinding DNS answer cannot turn an allowed name into a way
  into the intranet.

When the worker connects, the host is checked against the lists, every address it resolves to
is checked, and the address actually connected to is checked once more before anything is sent
(DNS may answer differently the second time). Redirects are not followed and no proxy from the
environment is used: the robot is reached directly or not at all.
"""

import http.client
import ipaddress
import socket
import urllib.parse
import urllib.request

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class WebhookRefused(Exception):
    """The URL may not be called: its host is not allowed or resolves to a refused address."""


def _host_set(name: str) -> frozenset[str]:
    return frozenset(str(h).strip().lower().rstrip(".") for h in getattr(settings, name, ()) if str(h).strip())


def internal_hosts() -> frozenset[str]:
    return _host_set("WEBHOOK_INTERNAL_HOSTS")


def allowed_hosts() -> frozenset[str]:
    return _host_set("WEBHOOK_ALLOWED_HOSTS") | internal_hosts()


def webhook_host(url: str) -> tuple[str, int]:
    """(host, port) of an http(s) URL without credentials; WebhookRefused otherwise."""
    try:
        parts = urllib.parse.urlsplit(str(url))
        host, port = parts.hostname, parts.port
    except ValueError as exc:
        raise WebhookRefused(f"not a URL: {url!r}") from exc
    if parts.scheme not in ("http", "https") or not host or parts.username or parts.password:
        raise WebhookRefused(f"not an http(s) URL of a host: {url!r}")
    return host.rstrip("."), port or (443 if parts.scheme == "https" else 80)


def check_address(host: str, address: str) -> None:
    """Refuse ``address`` (one that ``host`` resolved to) unless it is public or ``host`` is an
    internal host."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if getattr(ip, "ipv4_mapped", None):
        ip = ip.ipv4_mapped
    if not ip.is_global and host not in internal_hosts():
        raise WebhookRefused(f"{host} resolves to {ip}, a private, loopback or link-local address")


def check_host(url: str) -> tuple[str, int]:
    """The URL's (host, port) if the host is on the allow-list; WebhookRefused otherwise."""
    host, port = webhook_host(url)
    if host not in allowed_hosts():
        raise WebhookRefused(f"{host} is not on WEBHOOK_ALLOWED_HOSTS")
    try:
        check_address(host, host)  # an address written in the URL itself
    except ValueError:
        pass  # a name: its addresses are checked when it is resolved
    return host, port


def validate_webhook_url(value) -> None:
    """Validator of the webhook URL fields: only the allowed hosts (empty is fine)."""
    if not value:
        return
    try:
        check_host(value)
    except WebhookRefused:
        hosts = "、".join(sorted(allowed_hosts())) or "—"
        raise ValidationError(
            _("A group robot may only be reached at %(hosts)s. Ask the system operator to allow another host."),
            code="webhook_host",
            params={"hosts": hosts},
        ) from None


class WebhookURLField(models.URLField):
    """The address of a group robot, on an organization or a user's preferences: only the allowed
    hosts (``validate_webhook_url``), and an address typed without a scheme is taken as https://
    (WeCom and DingTalk robots are reached over TLS). Django 5.2's form field would take it as
    http:// and warns that 6.0 changes that default; this field says which one it means."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("validators", [validate_webhook_url])
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        return super().formfield(**{"assume_scheme": "https", **kwargs})

    def deconstruct(self):
        # The column is a URLField's and the form's default is no part of the schema: the
        # migrations keep naming the field URLField, so this class needs none of its own.
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.URLField", args, kwargs


# ---------------------------------------------------------------- connecting
class _CheckedConnectionMixin:
    """Checks the address the socket actually connected to, before TLS or the request."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        host = self.host.rstrip(".").lower()

        def create_connection(address, timeout=socket._GLOBAL_DEFAULT_TIMEOUT, source_address=None, **extra):
            sock = socket.create_connection(address, timeout, source_address, **extra)
            try:
                check_address(host, sock.getpeername()[0])
            except BaseException:
                sock.close()
                raise
            return sock

        self._create_connection = create_connection


class _CheckedHTTPConnection(_CheckedConnectionMixin, http.client.HTTPConnection):
    pass


class _CheckedHTTPSConnection(_CheckedConnectionMixin, http.client.HTTPSConnection):
    pass


class _HTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(_CheckedHTTPConnection, req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):
        return self.do_open(_CheckedHTTPSConnection, req, context=self._context)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # a 3xx then ends as an HTTPError: a robot does not redirect


def _opener():
    return urllib.request.build_opener(urllib.request.ProxyHandler({}), _HTTPHandler, _HTTPSHandler, _NoRedirect)


def open_webhook(request: urllib.request.Request, *, timeout: float):
    """``urlopen(request)`` for a webhook: WebhookRefused (before any connection) when the host
    is not allowed or resolves to a refused address; OSError as urlopen for network failures."""
    host, port = check_host(request.full_url)
    for address in resolve(host, port):
        check_address(host, address)
    return _opener().open(request, timeout=timeout)


def resolve(host: str, port: int) -> list[str]:
    """The addresses ``host`` resolves to (OSError when it does not: a retry may succeed)."""
    return [sockaddr[0] for *_rest, sockaddr in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]
