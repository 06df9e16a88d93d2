"""Celery finds the app's tasks here (``autodiscover_tasks`` imports ``mechanisms.tasks``); each
room defines its own. Task names are explicit, so beat schedules survive a move."""

from mechanisms.common.tasks import send_notification_emails
from mechanisms.reminders.tasks import deliver_reminders, reminder_sweep

__all__ = ["deliver_reminders", "reminder_sweep", "send_notification_emails"]
