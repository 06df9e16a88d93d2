"""Enqueueing Celery tasks safely from web code.

Two rules: a task is sent only after the transaction that asked for it commits (a rolled-back
write sends nothing), and a broker that is down never fails or stalls a web request — the
periodic sweep picks up whatever was not sent.
"""

import logging

from celery import shared_task
from django.db import transaction

logger = logging.getLogger(__name__)


def send_task_now(task, *args, **kwargs) -> bool:
    """Publish ``task`` without retrying; return False (and log) when the broker is unreachable."""
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
    """Send ``task`` once the current transaction commits (immediately outside one)."""
    transaction.on_commit(lambda: send_task_now(task, *args, **kwargs))


@shared_task(name="core.ping", ignore_result=False)
def ping(value: int) -> int:
    """A trivial task that proves a worker round trip (used by health checks and tests)."""
    return value + 1


# A large export may run for minutes: its own limits, above the default five.
@shared_task(name="core.export_run", time_limit=3600, soft_time_limit=3540)
def export_run(job_id: int) -> None:
    """Write the workbook of one export job (core.exports)."""
    from .exports import export_job_run

    export_job_run(job_id=job_id)
