"""``make run``'s path on SQLite: the embedded default that needs nothing but Python.

Why this exists: the rest of the suite runs on PostgreSQL and Redis only, so nothing else
notices when ``make run`` on a bare machine breaks — SQLite (``var/db.sqlite3``) and kombu's
filesystem broker are what a newcomer gets with no environment at all (config/settings/base.py,
local.py; the reminder claim has an ORM path of its own for SQLite). One subprocess with the
default settings (``DJANGO_ENV`` unset: local) on a throwaway SQLite file does what
``manage.py rundemo`` does before it serves — migrate, then seed the demo — and then what its
worker and users do: the demo secretary files this week's report through the service layer and
a reminder sweep runs. The broker's folders are moved into the test's temporary folder, so that
nothing is queued into the checkout's ``var/`` (a ``make run`` worker there would take it).

It is one process (not three ``manage.py`` calls) to pay for Django's start once, and it runs
on the suite's clock. It takes half a minute of one core, on SQLite alone: tests/conftest.py
starts it in the background when the test is collected (``start_in_background``), so it runs
while the PostgreSQL tests do and the test itself mostly collects the result.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.clock import FAKE_NOW_ENV, suite_now

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import datetime, io, json, os, sys, time
from pathlib import Path

# In the background it runs beside the PostgreSQL tests (see tests/conftest.py): let them have
# the CPU first. Started by its test (under xdist, or alone) the test waits for it: no nice.
os.nice(int(os.environ["SQLITE_PATH_NICE"]))
# The suite's garbage-collector settings (tests/gc_tuning.py; the checkout is the working folder).
from tests.gc_tuning import tune
tune(freeze=False)
started = time.monotonic()
seconds = {}

import time_machine

# The suite's clock (tests/clock.py), ticking from there.
time_machine.travel(datetime.datetime.fromisoformat(os.environ["GONGJIAN_FAKE_NOW"]), tick=True).start()

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")  # as manage.py does
django.setup()
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from config.celery import app

# kombu's filesystem broker as make run has it, but in the test's folder, not the checkout's var/.
broker = Path(os.environ["SQLITE_PATH_BROKER_DIR"])
options = dict(settings.CELERY_BROKER_TRANSPORT_OPTIONS)
for key, sub in (("data_folder_in", "queue"), ("data_folder_out", "queue"), ("processed_folder", "processed"),
                 ("control_folder", "control")):
    (broker / sub).mkdir(parents=True, exist_ok=True)
    options[key] = str(broker / sub)
app.conf.broker_transport_options = options

# What `manage.py rundemo` does before it serves.
seconds["start"] = time.monotonic() - started
call_command("migrate", interactive=False, verbosity=0)
seconds["migrate"] = time.monotonic() - started - sum(seconds.values())
out = io.StringIO()
call_command("seed_demo", stdout=out)
seconds["seed_demo"] = time.monotonic() - started - sum(seconds.values())

from branches.demo_accounts import SHOWCASE_BRANCH
from branches.models import Branch, User
from mechanisms.demo.reminders import DUE_SOON_TITLE
from mechanisms.models import Notification, Reminder, ReminderKind, WeeklyReport
from mechanisms.reminders.services import reminder_sweep
from mechanisms.weekly.rules import current_week
from mechanisms.weekly.services import weekly_report_file_no_change

shuji = User.objects.get(username="shuji")
branch = Branch.objects.get(name=SHOWCASE_BRANCH)
week = current_week()
filed_before = WeeklyReport.objects.filter(branch=branch, iso_year=week.iso_year, iso_week=week.iso_week).count()
report = weekly_report_file_no_change(branch=branch, by=shuji, week=week, note="本周征迁签约按计划推进")
sweep = reminder_sweep()
seconds["report_and_sweep"] = time.monotonic() - started - sum(seconds.values())
notes = Notification.objects.filter(recipient=shuji)
print(json.dumps({
    "seconds": {key: round(value, 1) for key, value in seconds.items()},
    "vendor": connection.vendor,
    "database": str(settings.DATABASES["default"]["NAME"]),
    "broker": app.conf.broker_url,
    "seed_output": out.getvalue(),
    "filed_before": filed_before,
    "report": {"branch": report.branch.name, "status": report.status, "week": [report.iso_year, report.iso_week],
               "stored": WeeklyReport.objects.filter(pk=report.pk, status="submitted").exists()},
    "sweep": {"queued": sweep.queued, "created": sweep.created},
    "nudges": notes.filter(kind="nudge", title__contains="刘建国催办").count(),
    "due_soon_notes": notes.filter(kind="reminder", title__contains=DUE_SOON_TITLE).count(),
    "due_soon_sent": Reminder.objects.filter(recipient=shuji, kind=ReminderKind.INSTRUCTION_DUE_SOON,
                                             status="sent").count(),
    "queued_files": sum(1 for p in (broker / "queue").iterdir()),
}, ensure_ascii=False))
"""

# What make run's environment has: nothing. The rest of the suite's settings must not leak in.
DROPPED = ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "CELERY_TASK_ALWAYS_EAGER",
           "DJANGO_ENV", "DJANGO_SETTINGS_MODULE", "EMAIL_BACKEND", "EMAIL_FILE_PATH", "EMAIL_URL")


class SqlitePathRun:
    """The subprocess and its folder; ``result()`` waits for it."""

    def __init__(self, *, background: bool = True):
        self.folder = Path(tempfile.mkdtemp(prefix="gongjian-sqlite-path-"))
        self.database = self.folder / "db.sqlite3"
        env = {key: value for key, value in os.environ.items() if key not in DROPPED}
        env.update({
            "DATABASE_URL": f"sqlite:///{self.database}",
            "SQLITE_PATH_BROKER_DIR": str(self.folder / "celery"),
            "DJANGO_READ_DOT_ENV_FILE": "false",  # a developer's .env must not turn this into something else
            FAKE_NOW_ENV: suite_now().isoformat(),
            "PYTHONUNBUFFERED": "1",
            "SQLITE_PATH_NICE": "10" if background else "0",
        })
        self.stdout = open(self.folder / "stdout", "w+")  # noqa: SIM115 - closed in stop()
        self.stderr = open(self.folder / "stderr", "w+")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, stdout=self.stdout, stderr=self.stderr, text=True,
        )

    def result(self, timeout=600) -> tuple[int, str, str]:
        returncode = self.proc.wait(timeout)
        self.stdout.seek(0)
        self.stderr.seek(0)
        return returncode, self.stdout.read(), self.stderr.read()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.stdout.close()
        self.stderr.close()
        shutil.rmtree(self.folder, ignore_errors=True)


_background: list[SqlitePathRun] = []


def start_in_background() -> None:
    """Start the run now (called once collection is done; see tests/conftest.py)."""
    if not _background:
        _background.append(SqlitePathRun())


def stop_background() -> None:
    while _background:
        _background.pop().stop()


@pytest.fixture
def sqlite_run():
    # Alone, or under xdist (tests/parallel.py): start it now.
    run = _background.pop() if _background else SqlitePathRun(background=False)
    try:
        yield run
    finally:
        run.stop()


@pytest.mark.sqlite_path
def test_make_run_path_on_sqlite_migrates_seeds_files_a_report_and_sweeps(sqlite_run):
    returncode, stdout, stderr = sqlite_run.result()
    assert returncode == 0, f"stdout:\n{stdout[-3000:]}\nstderr:\n{stderr[-5000:]}"
    result = json.loads(stdout.strip().splitlines()[-1])
    database = sqlite_run.database

    assert result["vendor"] == "sqlite" and result["database"] == str(database) and database.stat().st_size > 0
    assert result["broker"].startswith("filesystem://")
    assert "演示数据已就绪" in result["seed_output"] and "shuji" in result["seed_output"]
    # The demo secretary had not filed this week; now the report is stored, submitted.
    assert result["filed_before"] == 0
    assert result["report"]["status"] == "submitted" and result["report"]["stored"]
    # The sweep (the ORM claim on SQLite) delivers the demo's nudge and the instruction due soon.
    assert result["nudges"] == 1
    assert result["due_soon_notes"] == 1 and result["due_soon_sent"] == 1
    # What the seed and the sweep queued went to the filesystem broker, in the test's folder.
    assert result["queued_files"] > 0
