"""Enqueueing Celery tasks safely from web code.

Two rules: a task is sent only after the transaction that asked for it commits (a rolled-back
write sends nothing), and a broker that is down never fails or stalls a web request — the
periodic sweep picks up whatever was not sent.
"""

import logging
import threading

from celery import current_app
from django.db import transaction

logger = logging.getLogger(__name__)
_discovery = threading.Lock()


def task_named(name: str):
    """The registered task called ``name``. Services enqueue tasks by name so that a service never
    imports the tasks module that imports it (a task takes ids and calls one service).

    A web process has not imported the tasks modules (a worker does at start): the first lookup
    of an unknown name runs Celery's autodiscovery (every installed app's ``tasks``) once.
    One thread at a time: Celery's discovery runs once per process, so a second thread
    (runserver and gunicorn serve several) that asked while the first was still importing
    would find the name missing and fail the request."""
    if name not in current_app.tasks:
        with _discovery:
            if name not in current_app.tasks:
                current_app.loader.import_default_modules()
    return current_app.tasks[name]


def send_task_now(task, *args, **kwargs) -> bool:
    """Publish ``task`` (a task or its name) without retrying; return False (and log) when the
    broker is unreachable."""
    if isinstance(task, str):
        task = task_named(task)
    app = task.app
    try:
        if app.conf.task_always_eager:
            task.apply_async(args=args, kwargs=kwargs)
            return True
        with app.producer_or_acquire() as producer:
            # One connection attempt, no back-off: kombu's default would sleep two seconds
            # between attempts while the user waits for the page.
            producer.connection.ensure_connection(max_retries=0)
            task.apply_async(args=args, kwargs=kwargs, producer=producer, retry=False)
    except Exception:  # the broker may fail in many ways; none of them may reach the user
        logger.warning("Could not enqueue %s; the periodic sweep will catch up.", task.name, exc_info=True)
        return False
    return True


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Send ``task`` (a task or its name) once the current transaction commits (immediately
    outside one)."""
    transaction.on_commit(lambda: send_task_now(task, *args, **kwargs))
