"""Celery tasks of the reminders. Tasks take ids and call one service; services enqueue them by
name (``mechanisms.reminders.rules.DELIVER_REMINDERS``), so neither imports the other in a circle."""

import logging

from celery import shared_task

from mechanisms.problems.services import problem_escalate_overdue
from mechanisms.reminders.rules import DELIVER_REMINDERS, REMINDER_SWEEP
from mechanisms.reminders.services import deliveries_send
from mechanisms.reminders.services import reminder_sweep as sweep

logger = logging.getLogger(__name__)


@shared_task(name=REMINDER_SWEEP, ignore_result=True)
def reminder_sweep() -> dict:
    """The periodic reminder sweep (DESIGN §4), scheduled by Celery beat every few minutes."""
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


@shared_task(name=DELIVER_REMINDERS, ignore_result=True)
def deliver_reminders(delivery_ids: list[int]) -> dict:
    """Send e-mail / webhook deliveries (idempotent: each row is sent once)."""
    return deliveries_send(delivery_ids=delivery_ids)
