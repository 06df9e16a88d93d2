"""Beyond one process (issue 14): two gunicorn processes on two ports, two Celery workers and
one beat on one PostgreSQL and Redis, all on 127.0.0.1 and on the test's clock.

- a session made by logging in through one web process is valid on the other;
- a file uploaded through one is downloaded through the other (a shared MEDIA_ROOT; in object
  storage, tests/branches/test_object_storage.py);
- the reminder sweep sent by the beat, taken by either worker, delivers the secretary's
  weekly-report reminder once.

Bounded: every wait has a deadline, and every process is stopped at the end.
"""

import datetime
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
import time_machine
from django.db import connection

from branches.models import ActivityKind
from branches.services import activity_create
from mechanisms.models import Notification, Reminder, ReminderKind
from tests.clock import subprocess_env
from tests.mechanisms.reminders_world import at, seed_calendar
from tests.mechanisms.requests_world import build_world

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]
# Friday, deadline day of week 47, 09:59:48: the beat's every-minute sweep fires at 10:00, 12 s
# after the processes start (the beat is up in 3–6 s on a busy 2-core machine; were it later, its
# first sweep would come a minute after, within _wait_for's 150 s).
FRIDAY = at(2026, 11, 20, 9, 59) + datetime.timedelta(seconds=48)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x02" * 64
PASSWORD = "pw-for-tests-1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(condition, timeout: float, message: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {message}")


def _stop(procs):
    # All told at once, then waited for: the five shut down side by side (one after another they
    # took 11 s of the test on a busy machine).
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def on_friday(frozen_clock):
    with time_machine.travel(FRIDAY, tick=True):
        yield


@pytest.fixture
def env(tmp_path, settings):
    broker = os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL")
    if not broker or not broker.startswith("redis"):
        pytest.fail("The loopback test needs Redis: run it through `make test` (REDIS_URL).")
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    media = tmp_path / "media"
    media.mkdir()
    settings.MEDIA_ROOT = media
    return {
        **os.environ,
        "DJANGO_ENV": "test",
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgresql://{credentials}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": broker,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "MEDIA_ROOT": str(media),
        "REMINDER_SWEEP_MINUTES": "1",
        **subprocess_env(),
    }


@pytest.fixture
def processes(env, tmp_path):
    """Two web processes, two workers and one beat; yields the two base URLs."""
    from config.celery import app

    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge("celery")
    started = []

    def spawn(name, *args):
        log = (tmp_path / f"{name}.log").open("w")
        proc = subprocess.Popen([sys.executable, "-m", "tests.clocked", *args], cwd=ROOT, env=env,
                                stdout=log, stderr=subprocess.STDOUT)
        started.append(proc)
        return proc

    ports = [_free_port(), _free_port()]
    try:
        for i, port in enumerate(ports):
            spawn(f"web{i}", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "1",
                  "--threads", "2", "--timeout", "60")
        host = socket.gethostname()
        for i in range(2):
            spawn(f"worker{i}", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=INFO", "--without-gossip",
                  "--without-mingle", "--without-heartbeat", "-n", f"loopback{i}-{os.getpid()}@{host}")
        spawn("beat", "celery", "-A", "config", "beat", "--loglevel=INFO", "-s", str(tmp_path / "beat-schedule"))
        urls = [f"http://127.0.0.1:{port}" for port in ports]

        def web_up():
            try:
                return all(requests.get(f"{u}/healthz", timeout=2).status_code in (200, 503) for u in urls)
            except requests.RequestException:
                return False

        _wait_for(web_up, 90, "both gunicorn processes")
        yield urls
    finally:
        _stop(started)
        with app.connection_for_write() as conn:
            conn.default_channel.queue_purge("celery")


def _login(base: str, username: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/accounts/login/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = session.post(
        f"{base}/accounts/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/accounts/login/"}, allow_redirects=False, timeout=30,
    )
    assert response.status_code == 302, response.text[:500]
    return session


def _csrf(session: requests.Session, url: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', session.get(url, timeout=30).text).group(1)


@pytest.fixture
def world_on_friday(on_friday, org_tree, make_user):
    seed_calendar()
    world = build_world(org_tree, make_user)
    world.activity = activity_create(branch=world.branch, by=world.secretary, kind=ActivityKind.MICRO_SERVICE,
                                     title="进企业微主题服务", held_on=datetime.date(2026, 11, 18))
    return world


def test_sessions_files_and_the_beats_reminder_across_processes(world_on_friday, processes):
    world = world_on_friday
    web_a, web_b = processes
    detail = f"/branches/activities/{world.activity.pk}/"

    # A session made by logging in on A is valid on B.
    session = _login(web_a, world.secretary.username)
    on_b = session.get(f"{web_b}{detail}", allow_redirects=False, timeout=30)
    assert on_b.status_code == 200, on_b.status_code

    # A file uploaded through A downloads through B.
    token = _csrf(session, f"{web_a}{detail}")
    upload = session.post(
        f"{web_a}/branches/activities/{world.activity.pk}/attachments/",
        data={"csrfmiddlewaretoken": token}, files={"file": ("合影.png", PNG, "image/png")},
        headers={"Referer": f"{web_a}{detail}"}, allow_redirects=False, timeout=30,
    )
    assert upload.status_code == 302, upload.text[:500]
    attachment = world.activity.attachments.get()
    download = session.get(f"{web_b}/branches/attachments/{attachment.pk}/", timeout=30)
    assert download.status_code == 200 and download.content == PNG

    # The beat's sweep (every minute here), taken by one of the two workers: one reminder, one
    # in-app notification, whatever the number of sweeps and workers.
    def reminded():
        return Reminder.objects.filter(recipient=world.secretary, kind=ReminderKind.WEEKLY_REPORT_DUE).exists()

    _wait_for(reminded, 150, "the beat's sweep")
    time.sleep(2)  # a second worker or sweep would have written by now
    reminder = Reminder.objects.get(recipient=world.secretary, kind=ReminderKind.WEEKLY_REPORT_DUE)
    assert Notification.objects.filter(recipient=world.secretary, title=reminder.title).count() == 1
