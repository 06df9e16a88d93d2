"""Celery tasks of the work mechanisms. Tasks take ids and call one service."""

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="mechanisms.tasks.reminder_sweep", ignore_result=True)
def reminder_sweep() -> dict:
    """The periodic reminder sweep (DESIGN §4), scheduled by Celery beat every few minutes."""
    from .services.problems import problem_escalate_overdue
    from .services.reminders import reminder_sweep as sweep

    result = sweep()
    # An overdue problem escalates to the 调度长 once (escalated_at is its own idempotency key).
    escalated = problem_escalate_overdue()
    logger.info(
        "reminder sweep: created %s, in-app %s, queued %s, problems escalated %s",
        result.created, result.delivered_in_app, result.queued, len(escalated),
    )
    return {
        "created": result.total_created,
        "in_app": result.delivered_in_app,
        "queued": result.queued,
        "escalated": len(escalated),
    }


@shared_task(name="mechanisms.tasks.deliver_reminders", ignore_result=True)
def deliver_reminders(delivery_ids: list[int]) -> dict:
    """Send e-mail / webhook deliveries (idempotent: each row is sent once)."""
    from .services.reminders import deliveries_send

    return deliveries_send(delivery_ids=delivery_ids)


@shared_task(name="mechanisms.tasks.send_notification_emails", ignore_result=True)
def send_notification_emails(notification_ids: list[int]) -> int:
    """E-mail notifications not yet e-mailed (idempotent: a re-delivered task sends nothing twice)."""
    from .services.notifications import notifications_send_emails

    return notifications_send_emails(notification_ids=notification_ids)
