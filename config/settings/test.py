"""Tests: real PostgreSQL and Redis come from DATABASE_URL / REDIS_URL (``make test`` sets them)."""

import os

from config.settings.base import *  # noqa: F401,F403
from config.settings.base import CACHES, REDIS_URL, env, s3_storage

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": s3_storage(env) or {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # whitenoise's manifest storage has no manifest in tests and breaks the live server.
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# locmem in the test process; a worker process started by a test may be given a file backend
# (EMAIL_BACKEND / EMAIL_FILE_PATH in its environment) so the test can read what it sent.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend")
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default="")
# Unit tests run tasks in-process; the worker tests switch this off and use a real worker.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
# Results are ignored by default (config/celery.py); the worker round-trip test reads core.ping's
# result back, so tests keep results in the same Redis database as the broker.
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL or None)
# `make test` runs the suite in pytest-xdist processes (gw0, gw1, …) on one Redis database: each
# process, and the Celery workers its tests start (they inherit PYTEST_XDIST_WORKER), has a queue
# and cache keys of its own, so that one process's worker never takes another's task.
# (pytest-xdist sets the variable, not an operator: read with getenv, it is no setting of
# .env.example or docs/deployment.md, which tests/core/test_docs.py checks.)
XDIST_WORKER = os.getenv("PYTEST_XDIST_WORKER", "")
CELERY_TASK_DEFAULT_QUEUE = f"celery-{XDIST_WORKER}" if XDIST_WORKER else "celery"
if XDIST_WORKER:
    CACHES = {"default": {**CACHES["default"], "KEY_PREFIX": XDIST_WORKER}}
AXES_FAILURE_LIMIT = 3
# The reminder tests run a robot on 127.0.0.1 (tests/mechanisms/reminders_world.RobotServer),
# reached by the test process and by worker processes started on these settings.
WEBHOOK_INTERNAL_HOSTS = [*WEBHOOK_INTERNAL_HOSTS, "127.0.0.1"]  # noqa: F405
# Serve static files from the source folders (there is no collectstatic in tests); this also
# keeps whitenoise from warning about a missing STATIC_ROOT on every test client.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# The dashboard cache is shared by every test on one Redis across rolled-back databases: off
# (tests/evaluation/test_dashboard_cache.py switches it on). The page benchmark, which runs on
# these settings, turns it on as deployed (tests/bench/bench_pages.py).
DASHBOARD_CACHE_SECONDS = env.int("DASHBOARD_CACHE_SECONDS", default=0)
