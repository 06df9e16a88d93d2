"""Delivering and reading notifications."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from ..models import Notification

logger = logging.getLogger(__name__)


def notifications_send_emails(*, notification_ids: list[int]) -> int:
    """E-mail each notification once. Rows are claimed under a row lock (SKIP LOCKED) so two
    workers given the same ids never send the same e-mail twice."""
    sent = 0
    for pk in notification_ids:
        with transaction.atomic():
            row = (
                Notification.objects.select_for_update(skip_locked=True)
                .select_related("recipient")
                .filter(pk=pk, emailed_at__isnull=True)
                .first()
            )
            if row is None or not row.recipient.email:
                continue
            link = f"\n\n{settings.SITE_URL.rstrip('/')}{row.url}" if row.url else ""
            send_mail(row.title, f"{row.body}{link}", None, [row.recipient.email])
            row.emailed_at = timezone.now()
            row.save(update_fields=["emailed_at"])
            sent += 1
    return sent


def notification_mark_read(*, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
