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
