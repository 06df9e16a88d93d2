"""The Celery application. Settings come from Django's ``CELERY_*`` settings."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("gongjian")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    # JSON only: nothing pickled crosses the broker.
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    timezone="Asia/Shanghai",
    enable_utc=True,
    # A task is acknowledged after it ran, and re-queued if its worker dies mid-task;
    # every task is therefore idempotent (reminders carry an idempotency key).
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_time_limit=300,
    task_soft_time_limit=240,
    broker_connection_retry_on_startup=True,
    task_ignore_result=True,
)
app.autodiscover_tasks()
