"""Writes every room shares: comments and attachments on a record, and telling people (in-app
notifications always, e-mail after the transaction commits, through the one notification outbox)."""

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.queue import enqueue_on_commit
from mechanisms.common.channels import send_email
from mechanisms.common.models import (
    SEND_NOTIFICATION_EMAILS,
    Attachment,
    Comment,
    Notification,
    NotificationKind,
    wants_email_q,
)
from mechanisms.common.selectors import content_type_of


@transaction.atomic
def comment_add(*, target, author, body: str) -> Comment:
    body = (body or "").replace("\x00", "").strip()  # PostgreSQL text cannot hold NUL
    if not body:
        raise ValidationError(_("Write something before posting the comment."), code="empty")
    comment = Comment(content_type=content_type_of(target), object_id=target.pk, author=author, body=body)
    comment._history_user = author
    comment.save()
    return comment


@transaction.atomic
def attachment_add(*, target, uploaded, by) -> Attachment:
    """Check ``uploaded`` (content and size) and attach it to ``target``."""
    attachment = Attachment.build(
        uploaded=uploaded, uploaded_by=by, record_type=content_type_of(target), record_id=target.pk
    )
    attachment.save()
    return attachment


logger = logging.getLogger(__name__)


@dataclass
class EmailOutcome:
    sent: int = 0
    failed: list[int] = field(default_factory=list)


def notifications_send_emails(*, notification_ids: list[int]) -> EmailOutcome:
    """E-mail each notification once — the one outbox of ordinary notifications.

    Rows are claimed under a row lock (SKIP LOCKED), so two workers given the same ids never
    send the same e-mail twice; a recipient who switched e-mail off (NotificationPreference) gets
    none; each message carries a stable Message-ID / X-Idempotency-Key (``notification-<id>``),
    as reminder e-mails do, so a repeat after a lost acknowledgement is dropped by the receiver.
    A send that fails is left unsent and reported in ``failed`` for the task to retry."""
    outcome = EmailOutcome()
    for pk in notification_ids:
        with transaction.atomic():
            row = (
                Notification.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("recipient")
                .filter(wants_email_q(), pk=pk, emailed_at__isnull=True)
                .first()
            )
            if row is None or not row.recipient.email:
                continue
            link = f"\n\n{settings.SITE_URL.rstrip('/')}{row.url}" if row.url else ""
            try:
                send_email(to=row.recipient.email, subject=row.title, body=f"{row.body}{link}", key=f"notification-{row.pk}")
            except Exception:  # an SMTP refusal or a network fault: keep it unsent, retry later
                logger.warning("Notification e-mail %s failed; it will be retried.", row.pk, exc_info=True)
                outcome.failed.append(row.pk)
                continue
            row.emailed_at = timezone.now()
            row.save(update_fields=["emailed_at"])
            outcome.sent += 1
    return outcome


def notification_mark_read(*, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


def notify(*, recipients: Iterable, kind: str = NotificationKind.INFO, title: str, body: str = "", url: str = "", email: bool = True) -> list[Notification]:
    """Create one in-app notification per distinct recipient and e-mail them after commit.

    ``title`` and ``body`` are stored as rendered text (in the product's default language):
    a notification is a record of what was said at the time.
    """
    seen, rows = set(), []
    for user in recipients:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        rows.append(Notification(recipient=user, kind=kind, title=str(title)[:200], body=str(body), url=url))
    created = Notification.objects.bulk_create(rows)
    if email and created:
        # Only those who want e-mail (the worker checks again: the switch may move meanwhile).
        wanted = set(Notification.objects.filter(wants_email_q(), pk__in=[n.pk for n in created]).values_list("pk", flat=True))
        if wanted:
            enqueue_on_commit(SEND_NOTIFICATION_EMAILS, sorted(wanted))
    return created


def tell(recipients, *, kind, title, body="", url=""):
    """``notify`` with the text rendered in the product's language: a notification is a record of
    what was said, read later by anyone, whoever acted and in whatever language they browse."""
    with translation.override(settings.LANGUAGE_CODE):
        notify(recipients=recipients, kind=kind, title=str(title), body=str(body), url=url)
