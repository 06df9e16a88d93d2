"""Liveness of the two services the product needs: the database and the Celery broker."""

from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from celery import current_app
from django.conf import settings
from django.db import connection

_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="healthz")


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_broker() -> None:
    # The project's app (config/celery.py makes it the current one); core names no project module.
    with current_app.connection_for_write() as conn:
        # kombu's Redis channel pings on creation, so this proves the broker answers. One attempt
        # only: kombu's retry would sleep two seconds before the second.
        conn.ensure_connection(max_retries=0, timeout=settings.HEALTHZ_TIMEOUT)


def _bounded(check, timeout: float) -> str:
    """Run one check in a thread so that a hanging service cannot hang the response."""
    future = _pool.submit(check)
    try:
        future.result(timeout=timeout)
    except FutureTimeout:
        return "timeout"
    except Exception as exc:  # report, never raise: this is a status page
        return f"error: {exc.__class__.__name__}"
    return "ok"


def service_status() -> dict[str, str]:
    timeout = settings.HEALTHZ_TIMEOUT
    # The database check must run in this thread: Django connections are per thread.
    try:
        check_database()
        database = "ok"
    except Exception as exc:
        database = f"error: {exc.__class__.__name__}"
    return {"database": database, "broker": _bounded(check_broker, timeout)}
