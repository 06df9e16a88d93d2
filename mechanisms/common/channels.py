"""Delivery channels beyond in-app: e-mail and a WeCom / DingTalk style group-robot webhook.

Both carry the delivery's idempotency key (``mechanisms.reminders.rules.idempotency_key``):
the e-mail as its Message-ID, the webhook as the ``X-Idempotency-Key`` header. A sender can
never rule out that a send was received just before it was cut off (a worker killed mid-send),
so an external channel is at-least-once and the key is what a receiver deduplicates on.

A webhook goes only to the hosts of ``settings.WEBHOOK_ALLOWED_HOSTS`` (core.webhooks: checked
again here, when the worker connects, whatever the URL saved): anything else is refused before a
connection is made, for good (``DeliveryRefused``: no retry).
"""

import base64
import hashlib
import hmac
import json
import time
import urllib.parse
import urllib.request
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMessage

from core.webhooks import WebhookRefused, check_host, open_webhook


class DeliveryError(Exception):
    """A channel could not deliver; the delivery is retried with backoff."""


class DeliveryRefused(DeliveryError):
    """The delivery may never be made (a webhook host that is not allowed): failed at once."""


def message_id(key: str) -> str:
    """A stable Message-ID for one send, so mail servers and clients drop a repeat."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    return f"<{key}@{domain}>"


def send_email(*, to: str, subject: str, body: str, key: str) -> None:
    if not to:
        raise DeliveryError("no e-mail address")
    message = EmailMessage(subject, body, None, [to], headers={"Message-ID": message_id(key), "X-Idempotency-Key": key})
    if message.send(fail_silently=False) != 1:
        raise DeliveryError("the mail backend accepted nothing")


def dingtalk_sign(secret: str, timestamp: str) -> str:
    """DingTalk's robot signature: base64(HMAC-SHA256(secret, "timestamp\\nsecret"))."""
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def body_signature(secret: str, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256 (hex) of "timestamp.body": lets any receiver check the message itself."""
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def signed_webhook_url(url: str, secret: str, *, timestamp_ms: int | None = None) -> str:
    """DingTalk-style signing: the timestamp and its signature as URL parameters."""
    if not secret:
        return url
    timestamp = str(timestamp_ms if timestamp_ms is not None else int(time.time() * 1000))
    sign = urllib.parse.quote_plus(dingtalk_sign(secret, timestamp))
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}timestamp={timestamp}&sign={sign}"


def webhook_payload(*, title: str, body: str, link: str, recipient: str = "") -> dict:
    """A text message as WeCom and DingTalk group robots both accept it. A unit's robot posts
    into a group, so the message names whom it is for."""
    content = f"{title}\n{body}".strip()
    if recipient:
        content = f"【{recipient}】{content}"
    if link:
        content = f"{content}\n{link}"
    return {"msgtype": "text", "text": {"content": content}}


def send_webhook(*, url: str, secret: str, title: str, body: str, link: str, key: str, recipient: str = "") -> None:
    """POST the message; the idempotency key travels in a header so a receiver can drop a repeat
    of a send that was cut off mid-flight (the one case no sender can rule out)."""
    if not url:
        raise DeliveryError("no webhook URL")
    try:
        check_host(url)
    except WebhookRefused as exc:
        raise DeliveryRefused(f"webhook refused: {exc}") from exc
    data = json.dumps(webhook_payload(title=title, body=body, link=link, recipient=recipient), ensure_ascii=False).encode()
    headers = {"Content-Type": "application/json; charset=utf-8", "X-Idempotency-Key": key}
    timestamp_ms = int(time.time() * 1000)
    if secret:
        headers["X-Signature-Timestamp"] = str(timestamp_ms)
        headers["X-Signature"] = "sha256=" + body_signature(secret, str(timestamp_ms), data)
    request = urllib.request.Request(
        signed_webhook_url(url, secret, timestamp_ms=timestamp_ms), data=data, method="POST", headers=headers
    )
    try:
        with open_webhook(request, timeout=settings.REMINDER_WEBHOOK_TIMEOUT) as response:
            payload = response.read()
            status = response.status
    except WebhookRefused as exc:  # resolved to (or connected to) an address that is not allowed
        raise DeliveryRefused(f"webhook refused: {exc}") from exc
    except OSError as exc:  # URLError, HTTPError, timeouts, refused connections
        raise DeliveryError(str(exc)) from exc
    if status >= 300:
        raise DeliveryError(f"HTTP {status}")
    # Robots answer 200 with {"errcode": 0} on success and a non-zero errcode otherwise.
    try:
        answer = json.loads(payload or b"{}")
    except ValueError:
        answer = {}
    if isinstance(answer, dict) and answer.get("errcode", 0) not in (0, "0"):
        raise DeliveryError(f"robot answered errcode {answer.get('errcode')}: {answer.get('errmsg', '')}")
