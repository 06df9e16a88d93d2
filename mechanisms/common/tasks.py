"""Celery tasks of the shared parts. Tasks take ids and call one service; services enqueue them
by name (``SEND_NOTIFICATION_EMAILS``), so neither imports the other in a circle."""

from celery import shared_task

from mechanisms.common.models import SEND_NOTIFICATION_EMAILS
from mechanisms.common.services import notifications_send_emails


@shared_task(name=SEND_NOTIFICATION_EMAILS, ignore_result=True)
def send_notification_emails(notification_ids: list[int]) -> int:
    """E-mail notifications not yet e-mailed (idempotent: a re-delivered task sends nothing twice)."""
    return notifications_send_emails(notification_ids=notification_ids)
