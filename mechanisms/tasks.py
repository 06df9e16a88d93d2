"""Celery tasks of the work mechanisms. Tasks take ids and call one service."""

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="mechanisms.tasks.reminder_sweep", ignore_result=True)
def reminder_sweep() -> int:
    """The periodic reminder sweep (DESIGN §4), scheduled by Celery beat every few minutes.

    Returns how many reminders it sent. The reminder rules are not built yet (issue 5); until
    then the sweep finds nothing due.
    """
    return 0


@shared_task(name="mechanisms.tasks.send_notification_emails", ignore_result=True)
def send_notification_emails(notification_ids: list[int]) -> int:
    """E-mail notifications not yet e-mailed (idempotent: a re-delivered task sends nothing twice)."""
    from .services.notifications import notifications_send_emails

    return notifications_send_emails(notification_ids=notification_ids)
