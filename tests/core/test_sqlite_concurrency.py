"""SQLite, `make run`'s embedded database, holds a handful of concurrent users and the worker.

Before WAL, a busy timeout and immediate write transactions, staff activating a branch while
the worker and other users wrote got a 500 "database is locked": a deferred transaction that
read first could not take the write lock later, and the default journal blocked readers while
anyone wrote. Here several web processes (threads like runserver's, going through the views
and the services) and a worker process (the periodic tasks) write to one SQLite file at once,
on the settings `make run` uses, and none may meet an error.
"""

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.clock import subprocess_env

ROOT = Path(__file__).resolve().parents[2]
WEB_PROCESSES = 3
_CONFIG_VARS = (
    "DEBUG", "DJANGO_DEBUG", "DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND",
    "CELERY_TASK_ALWAYS_EAGER", "DJANGO_ENV", "DJANGO_SETTINGS_MODULE", "EMAIL_URL", "EMAIL_BACKEND",
)


def _env(folder: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in _CONFIG_VARS}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DJANGO_READ_DOT_ENV_FILE="false",
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        STATIC_ROOT=str(folder / "static"),
        MEDIA_ROOT=str(folder / "media"),
        # Tasks run where they are queued (the web processes write their after-commit work too);
        # nothing reaches a broker or a mail server.
        CELERY_TASK_ALWAYS_EAGER="true",
        CELERY_BROKER_URL="memory://",
        EMAIL_URL="dummymail://",
        LOG_LEVEL="WARNING",
        **subprocess_env(),
    )
    return env


def _start(folder: Path, *args) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.clocked", "tests.core.sqlite_workload", args[0], str(folder), *map(str, args[1:])],
        cwd=ROOT, env=_env(folder), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def _report(process: subprocess.Popen, timeout: float) -> dict:
    out, err = process.communicate(timeout=timeout)
    assert process.returncode == 0, err[-3000:]
    return json.loads(out.strip().splitlines()[-1])


def _wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def test_web_processes_and_the_worker_write_to_sqlite_at_once(tmp_path):
    setup = _report(_start(tmp_path, "setup"), timeout=60)
    assert setup["errors"] == []
    world = json.loads((tmp_path / "world.json").read_text())

    processes = [_start(tmp_path, "web", n, WEB_PROCESSES) for n in range(WEB_PROCESSES)]
    worker = _start(tmp_path, "worker")
    expected_ready = 1 + WEB_PROCESSES * 3
    try:
        _wait_for(lambda: len(list(tmp_path.glob("ready-*"))) == expected_ready, 60, "the processes to start")
        (tmp_path / "go").touch()
        reports = [_report(p, timeout=60) for p in processes]
        (tmp_path / "stop").touch()
        reports.append(_report(worker, timeout=60))
    finally:
        for process in [*processes, worker]:
            if process.poll() is None:
                process.kill()

    errors = [error for report in reports for error in report["errors"]]
    assert errors == [], f"{len(errors)} errors, e.g.:\n" + "\n".join(errors[:5])
    assert all(report["operations"] > 0 for report in reports), reports

    db = sqlite3.connect(tmp_path / "db.sqlite3")
    try:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        statuses = [row[0] for row in db.execute(f"SELECT status FROM branches_branch WHERE id IN ({','.join(map(str, world['branches']))})")]
        notifications = db.execute("SELECT COUNT(*) FROM mechanisms_notification").fetchone()[0]
    finally:
        db.close()
    # Every branch was activated once, by the thread it fell to.
    assert statuses == ["active"] * len(world["branches"])
    assert notifications >= WEB_PROCESSES * 3 * 6 * 2
