"""Telling people: in-app notifications always, e-mail after the transaction commits."""

from collections.abc import Iterable

from core.tasks import enqueue_on_commit

from .models import Notification, NotificationKind


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
        from .tasks import send_notification_emails

        enqueue_on_commit(send_notification_emails, [n.pk for n in created])
    return created


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
