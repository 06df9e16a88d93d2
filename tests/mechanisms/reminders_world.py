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


# ---------------------------------------------------------------- worker processes and a throwaway Redis
def worker_command(name: str) -> list[str]:
    import sys

    return [sys.executable, "-m", "tests.clocked", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=INFO",
            "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", name]


def start_worker(*, env: dict, log_path, timeout: float = 60):
    """Start a worker like tests/conftest.py's fixture does (the same environment), for tests
    that kill and restart one; returns the process once it answers a ping under its name."""
    import os
    import subprocess
    import time

    from config.celery import app

    name = f"reminders-{os.getpid()}-{time.monotonic_ns()}@{socket.gethostname()}"
    root = __import__("pathlib").Path(__file__).resolve().parents[2]
    with open(log_path, "a") as log:
        from tests.clock import subprocess_env

        proc = subprocess.Popen(worker_command(name), cwd=root, env={**env, **subprocess_env()}, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if app.control.inspect(destination=[name], timeout=0.5).ping():
                return proc
        except Exception:  # noqa: BLE001 - the broker or the worker is not up yet
            pass
        time.sleep(0.3)
    proc.kill()
    proc.wait()
    raise RuntimeError(f"worker did not start:\n{open(log_path).read()[-3000:]}")


def stop_process(proc, *, timeout: float = 15):
    import subprocess

    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class ThrowawayRedis:
    """A redis-server of the test's own on a free port (never the machine's Redis)."""

    def __init__(self, folder):
        self.folder = folder
        self.port = free_port()
        self.proc = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        import subprocess
        import time

        self.proc = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no",
             "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        import time

        if self.proc is not None:
            stop_process(self.proc, timeout=5)
            self.proc = None
        # Wait for the port, not the process (a stopped daemon may linger as a zombie).
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    time.sleep(0.05)
            except OSError:
                return


def use_broker(url: str | None) -> str | None:
    """Point this process's Celery app at ``url`` (dropping its cached connection pools); returns
    the broker it used before. Celery reads CELERY_BROKER_URL from the environment first."""
    import os

    from django.conf import settings

    from config.celery import app

    previous = os.environ.get("CELERY_BROKER_URL")
    if url is None:
        os.environ.pop("CELERY_BROKER_URL", None)
    else:
        os.environ["CELERY_BROKER_URL"] = url
    app.conf.broker_url = url or settings.CELERY_BROKER_URL
    app._pool = None
    if "amqp" in app.__dict__:
        app.amqp._producer_pool = None
    return previous
