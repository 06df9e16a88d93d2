"""Celery tasks of core: a round-trip ping and the background export. Web code enqueues through
``core.queue`` (after commit, never failing a request); these only run in the worker."""

from celery import shared_task

from core.audit import audit_purge
from core.exports import EXPORT_RUN, export_job_run


@shared_task(name="core.ping", ignore_result=False)
def ping(value: int) -> int:
    """A trivial task that proves a worker round trip (used by health checks and tests)."""
    return value + 1


# A large export may run for minutes: its own limits, above the default five.
@shared_task(name=EXPORT_RUN, time_limit=3600, soft_time_limit=3540)
def export_run(job_id: int) -> None:
    """Write the workbook of one export job (core.exports)."""
    export_job_run(job_id=job_id)


@shared_task(name="core.audit_purge")
def audit_purge_task() -> int:
    """Drop audit events older than AUDIT_RETENTION_DAYS (never under 180 days)."""
    return audit_purge()
