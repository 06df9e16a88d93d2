"""Building blocks of the reminder tests: Shanghai wall times, the 2026 calendar exceptions the
tests lean on, and a robot webhook receiver on 127.0.0.1 that checks signatures and can stall.
"""

import base64
import datetime
import hashlib
import hmac
import json
import socket
import threading
import urllib.parse
import zoneinfo
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from mechanisms.models import CalendarDay, CalendarDayKind

SH = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(y, m, d, hh=10, mm=0):
    return datetime.datetime(y, m, d, hh, mm, tzinfo=SH)


def seed_calendar():
    """The 2026 exceptions the tests use (the data migration seeds them too, but a transactional
    test's flush removes them for the tests after it)."""
    holidays = [datetime.date(2026, 9, d) for d in (25, 26, 27)] + [datetime.date(2026, 10, d) for d in range(1, 8)]
    for day in holidays:
        CalendarDay.objects.update_or_create(date=day, defaults={"kind": CalendarDayKind.HOLIDAY, "name": "节假日"})
    for day in (datetime.date(2026, 9, 20), datetime.date(2026, 10, 10)):
        CalendarDay.objects.update_or_create(date=day, defaults={"kind": CalendarDayKind.MAKEUP_WORKDAY, "name": "调休上班"})


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RobotServer:
    """A WeCom/DingTalk-style robot: answers {"errcode": 0}. Records every request (path, query,
    headers, JSON body) and acknowledges each idempotency key once; ``stall`` makes it hold the
    first request until ``release`` is set (a worker killed mid-send)."""

    def __init__(self, secret: str = "", *, stall_first: bool = False, fail_with: int | None = None):
        self.secret = secret
        self.requests: list[dict] = []
        self.acknowledged: dict[str, int] = {}
        self.stall_first = stall_first
        self.fail_with = fail_with
        self.stalled = threading.Event()
        self.release = threading.Event()
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                parsed = urllib.parse.urlparse(self.path)
                record = {
                    "path": parsed.path,
                    "query": dict(urllib.parse.parse_qsl(parsed.query)),
                    "headers": {k.lower(): v for k, v in self.headers.items()},
                    "raw": raw,
                    "json": json.loads(raw or b"{}"),
                }
                with server.lock:
                    server.requests.append(record)
                    first = len(server.requests) == 1
                if first and server.stall_first:
                    server.stalled.set()
                    server.release.wait(60)
                    # The sender is gone: nothing is acknowledged for this request.
                    return
                if server.fail_with:
                    self.send_response(server.fail_with)
                    self.end_headers()
                    return
                key = record["headers"].get("x-idempotency-key", "")
                with server.lock:
                    server.acknowledged[key] = server.acknowledged.get(key, 0) + 1
                    repeat = server.acknowledged[key] > 1
                body = json.dumps({"errcode": 0, "errmsg": "duplicate ignored" if repeat else "ok"}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/robot/send?access_token=t0ken"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def signature_ok(self, record: dict) -> bool:
        """Both signatures: DingTalk's (timestamp + sign in the URL) and the body HMAC header."""
        timestamp = record["query"].get("timestamp", "")
        expected = base64.b64encode(
            hmac.new(self.secret.encode(), f"{timestamp}\n{self.secret}".encode(), hashlib.sha256).digest()
        ).decode()
        body_expected = hmac.new(
            self.secret.encode(), record["headers"].get("x-signature-timestamp", "").encode() + b"." + record["raw"], hashlib.sha256
        ).hexdigest()
        return (
            bool(timestamp)
            and hmac.compare_digest(record["query"].get("sign", ""), expected)
            and record["headers"].get("x-signature") == f"sha256={body_expected}"
        )
