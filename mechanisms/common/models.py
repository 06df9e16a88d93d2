"""Pieces every mechanism record shares: comments, attachments, the working-day calendar and
the in-app notifications."""

import secrets

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.history import HistoricalRecords
from core.uploads import AttachmentBase
from core.webhooks import WebhookURLField

# The Celery task that e-mails notifications, by name (services enqueue it by name).
SEND_NOTIFICATION_EMAILS = "mechanisms.tasks.send_notification_emails"


class Comment(models.Model):
    """A comment on any mechanism record (problem, instruction, request, weekly report …)."""

    content_type = models.ForeignKey(ContentType, verbose_name=_("record type"), on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField(_("record id"))
    target = GenericForeignKey("content_type", "object_id")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="comment_target")]

    def __str__(self):
        return self.body[:40]


def attachment_token() -> str:
    """A download key nobody can guess or count through (192 random bits)."""
    return secrets.token_urlsafe(24)


class Attachment(AttachmentBase):
    """A file attached to any mechanism record; served only after checking its record.

    The record is ``record_type``/``record_id`` (not Django's usual ``content_type``/
    ``object_id``): ``content_type`` is the file's checked MIME type, from AttachmentBase.
    Its download URL names the random ``token``, never the sequential id."""

    token = models.CharField(_("download key"), max_length=40, unique=True, default=attachment_token, editable=False)
    record_type = models.ForeignKey(ContentType, verbose_name=_("record type"), on_delete=models.CASCADE)
    record_id = models.PositiveBigIntegerField(_("record id"))
    target = GenericForeignKey("record_type", "record_id")

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]
        indexes = [models.Index(fields=["record_type", "record_id"], name="attachment_target")]


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Public holiday (no work)")
    MAKEUP_WORKDAY = "makeup_workday", _("Make-up workday (调休)")


class CalendarDay(models.Model):
    """An exception to the Monday–Friday week: a holiday, or a weekend day worked instead."""

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=CalendarDayKind.choices)
    name = models.CharField(_("name"), max_length=40, blank=True)
    # A year whose State Council notice is not out yet is seeded from the statutory holidays
    # and the usual 调休 rules; staff replace it when the notice is published.
    is_provisional = models.BooleanField(
        _("provisional"), default=False, help_text=_("Projected, not yet confirmed by the State Council notice.")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("calendar exception")
        verbose_name_plural = _("working-day calendar")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {self.get_kind_display()}"


class NotificationKind(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned to you")
    RETURNED = "returned", _("Returned")
    ANSWERED = "answered", _("Answered")
    ESCALATED = "escalated", _("Escalated")
    REMINDER = "reminder", _("Reminder")
    NUDGE = "nudge", _("Nudge")
    INFO = "info", _("Information")


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self):
        return self.title


class NotificationPreference(models.Model):
    """How a user wants to be told: reminders (by channel, outside quiet hours) and the e-mail copy
    of ordinary notifications both honour it. In-app is always on."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="notification_preference"
    )
    email = models.BooleanField(_("by e-mail"), default=True)
    webhook = models.BooleanField(_("by group robot"), default=False)
    webhook_url = WebhookURLField(
        _("personal robot webhook URL"), blank=True, help_text=_("Leave empty to use your unit's group robot.")
    )
    webhook_secret = models.CharField(_("signing secret"), max_length=200, blank=True)
    quiet_start = models.TimeField(_("quiet hours from"), null=True, blank=True)
    quiet_end = models.TimeField(_("quiet hours until"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self):
        return str(self.user)


def wants_email_q(recipient_field: str = "recipient") -> models.Q:
    """Rows whose recipient has not switched e-mail off (no preference row means the default: on)."""
    return ~models.Exists(NotificationPreference.objects.filter(user=models.OuterRef(recipient_field), email=False))


class RowChange(models.Model):
    """One insert, update or delete of a notification or a reminder, written by the database
    itself (statement-level triggers of migration 0013_row_changes on PostgreSQL), so the
    reminder sweep's set-based SQL (INSERT … SELECT, UPDATE … RETURNING) is caught as well as
    the ORM, at no extra statement from the application. ``row`` is the row after the change
    (before it, for a delete), ``fields`` the columns an update changed. Never written by the
    application; on SQLite (the embedded default, one office) nothing is written."""

    table = models.CharField(_("table"), max_length=60)
    row_id = models.BigIntegerField(_("row"))
    operation = models.CharField(_("operation"), max_length=10)
    changed_at = models.DateTimeField(_("changed at"))
    row = models.JSONField(_("row"))
    fields = models.JSONField(_("changed fields"), default=list)

    class Meta:
        verbose_name = _("row change")
        verbose_name_plural = _("row changes")
        ordering = ["changed_at", "id"]
        indexes = [models.Index(fields=["table", "row_id", "changed_at"], name="rowchange_row")]

    def __str__(self):
        return f"{self.table} {self.row_id} {self.operation}"
