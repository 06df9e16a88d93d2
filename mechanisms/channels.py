"""Delivery channels beyond in-app: e-mail and a WeCom / DingTalk style group-robot webhook."""

import base64
import hashlib
import hmac
import json
import time
import urllib.parse
import urllib.request

from django.conf import settings
from django.core.mail import send_mail


class DeliveryError(Exception):
    """A channel could not deliver; the delivery is retried with backoff."""


def send_email(*, to: str, subject: str, body: str, key: str) -> None:
    if not to:
        raise DeliveryError("no e-mail address")
    sent = send_mail(subject, body, None, [to], fail_silently=False)
    if sent != 1:
        raise DeliveryError("the mail backend accepted nothing")


def signed_webhook_url(url: str, secret: str, *, timestamp_ms: int | None = None) -> str:
    """DingTalk-style signing: HMAC-SHA256 of "timestamp\\nsecret", base64, as URL parameters."""
    if not secret:
        return url
    timestamp = str(timestamp_ms if timestamp_ms is not None else int(time.time() * 1000))
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}timestamp={timestamp}&sign={sign}"


def webhook_payload(*, title: str, body: str, link: str) -> dict:
    """A text message as WeCom and DingTalk group robots both accept it."""
    content = f"{title}\n{body}".strip()
    if link:
        content = f"{content}\n{link}"
    return {"msgtype": "text", "text": {"content": content}}


def send_webhook(*, url: str, secret: str, title: str, body: str, link: str, key: str) -> None:
    """POST the message; the idempotency key travels in a header so a receiver can drop a repeat
    of a send that was cut off mid-flight (the one case no sender can rule out)."""
    if not url:
        raise DeliveryError("no webhook URL")
    data = json.dumps(webhook_payload(title=title, body=body, link=link), ensure_ascii=False).encode()
    request = urllib.request.Request(
        signed_webhook_url(url, secret),
        data=data,
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8", "X-Idempotency-Key": key},
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.REMINDER_WEBHOOK_TIMEOUT) as response:
            payload = response.read()
            status = response.status
    except OSError as exc:  # URLError, timeouts, refused connections
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
