"""Celery tasks of the shared parts. Tasks take ids and call one service; services enqueue them
by name (``SEND_NOTIFICATION_EMAILS``), so neither imports the other in a circle."""

from celery import shared_task

from mechanisms.common.models import SEND_NOTIFICATION_EMAILS
from mechanisms.common.services import notifications_send_emails


# A failed send is retried with backoff (1, 2, 4, … minutes); after the last try the periodic
# sweep still picks up what is unsent for a day (mechanisms.reminders, catch-up).
@shared_task(bind=True, name=SEND_NOTIFICATION_EMAILS, ignore_result=True, max_retries=5)
def send_notification_emails(self, notification_ids: list[int]) -> int:
    """E-mail notifications not yet e-mailed (idempotent: a re-delivered task sends nothing twice)."""
    outcome = notifications_send_emails(notification_ids=notification_ids)
    if outcome.failed and self.request.retries < self.max_retries:
        raise self.retry(args=[outcome.failed], countdown=60 * 2**self.request.retries)
    return outcome.sent
