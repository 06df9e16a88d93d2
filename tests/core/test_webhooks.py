"""Where a group-robot webhook may go (core.webhooks): the allow-list when a URL is saved, and
the host, its addresses and the connected peer when the worker connects."""

import socket
import urllib.request

import pytest
from django.core.exceptions import ValidationError

from core import webhooks

WECOM = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc"
DINGTALK = "https://oapi.dingtalk.com/robot/send?access_token=abc"


@pytest.fixture
def hosts(settings):
    """The production defaults: the two robot hosts, no internal host."""
    settings.WEBHOOK_ALLOWED_HOSTS = ["qyapi.weixin.qq.com", "oapi.dingtalk.com"]
    settings.WEBHOOK_INTERNAL_HOSTS = []
    return settings


@pytest.fixture
def no_network(monkeypatch):
    """Any resolution or connection fails the test: a refusal must come before both."""

    def forbidden(*args, **kwargs):
        raise AssertionError("the network was used")

    monkeypatch.setattr(socket, "getaddrinfo", forbidden)
    monkeypatch.setattr(socket, "create_connection", forbidden)


def test_the_robot_hosts_are_allowed_by_default(hosts):
    webhooks.validate_webhook_url(WECOM)
    webhooks.validate_webhook_url(DINGTALK)
    webhooks.validate_webhook_url("")


@pytest.mark.parametrize(
    "url",
    [
        "http://evil.example/robot",
        "http://127.0.0.1:8000/robot",
        "http://localhost/robot",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/robot",
        "https://qyapi.weixin.qq.com.evil.example/cgi-bin/webhook/send",
        "https://user:pw@qyapi.weixin.qq.com/cgi-bin/webhook/send",
        "ftp://qyapi.weixin.qq.com/x",
        "http://[broken/x",
    ],
)
def test_any_other_url_is_refused_on_save(hosts, url):
    with pytest.raises(ValidationError) as refused:
        webhooks.validate_webhook_url(url)
    assert refused.value.code == "webhook_host"


def test_an_allowed_private_address_is_refused_unless_internal(hosts):
    hosts.WEBHOOK_ALLOWED_HOSTS = [*hosts.WEBHOOK_ALLOWED_HOSTS, "10.1.2.3"]
    with pytest.raises(ValidationError):
        webhooks.validate_webhook_url("http://10.1.2.3/robot")
    hosts.WEBHOOK_INTERNAL_HOSTS = ["10.1.2.3"]
    webhooks.validate_webhook_url("http://10.1.2.3/robot")


def test_the_worker_refuses_a_host_not_allowed_before_any_connection(hosts, no_network):
    request = urllib.request.Request("http://evil.example/robot", data=b"{}", method="POST")
    with pytest.raises(webhooks.WebhookRefused):
        webhooks.open_webhook(request, timeout=1)


def test_the_worker_refuses_an_allowed_name_that_resolves_to_a_private_address(hosts, monkeypatch):
    monkeypatch.setattr(webhooks, "resolve", lambda host, port: ["10.0.0.5"])
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: pytest.fail("connected"))
    request = urllib.request.Request(WECOM, data=b"{}", method="POST")
    with pytest.raises(webhooks.WebhookRefused, match="10.0.0.5"):
        webhooks.open_webhook(request, timeout=1)


def test_the_connected_address_is_checked_too(hosts, monkeypatch):
    """DNS that answers a public address to the check and 127.0.0.1 to the connection (DNS
    rebinding): refused once connected, before anything is sent."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]
    hosts.WEBHOOK_ALLOWED_HOSTS = ["robot.example"]
    monkeypatch.setattr(webhooks, "resolve", lambda host, p: ["93.184.216.34"])
    real = socket.create_connection
    monkeypatch.setattr(socket, "create_connection", lambda address, *a, **k: real(("127.0.0.1", address[1]), *a, **k))
    request = urllib.request.Request(f"http://robot.example:{port}/send", data=b"{}", method="POST")
    try:
        with pytest.raises(webhooks.WebhookRefused, match="127.0.0.1"):
            webhooks.open_webhook(request, timeout=2)
        listener.settimeout(0.5)
        accepted, _ = listener.accept()  # the TCP handshake happened; nothing was sent on it
        accepted.settimeout(0.5)
        assert accepted.recv(100) == b""
        accepted.close()
    finally:
        listener.close()
