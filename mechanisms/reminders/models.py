"""Scheduled reminders (DESIGN §4): what was sent to whom, why, when, by which channel.

Exactly once: a reminder is keyed by (recipient, kind, object, period) under a unique
constraint, so a sweep that runs twice, two beat processes or two racing workers insert it
once; it is claimed under a row lock before it is sent, and each channel's delivery is
marked per channel after it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.history import HistoricalRecords


class ReminderKind(models.TextChoices):
    DISPATCH_DUE_SOON = "dispatch_due_soon", _("Dispatch session due tomorrow")
    DISPATCH_DUE = "dispatch_due", _("Dispatch session due today")
    DISPATCH_OVERDUE = "dispatch_overdue", _("Dispatch session overdue")
    INSTRUCTION_DUE_SOON = "instruction_due_soon", _("Instruction due within 24 hours")
    INSTRUCTION_OVERDUE = "instruction_overdue", _("Instruction overdue")
    WEEKLY_REPORT_DUE = "weekly_report_due", _("Weekly report due today")
    WEEKLY_REPORT_MISSING = "weekly_report_missing", _("Weekly reports missing (digest)")
    PROJECT_RED = "project_red", _("Project turned red")
    PROBLEM_UNATTENDED = "problem_unattended", _("Problem not analysed or not accepted in time")
    MONDAY_DIGEST = "monday_digest", _("Monday digest")
    NUDGE = "nudge", _("Nudge (催办)")


class ReminderStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")


class Channel(models.TextChoices):
    IN_APP = "in_app", _("In-app")
    EMAIL = "email", _("E-mail")
    WEBHOOK = "webhook", _("Group robot (webhook)")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Queued")
    RETRY = "retry", _("Failed, will retry")
    SENT = "sent", _("Delivered")
    FAILED = "failed", _("Failed")


class Reminder(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=ReminderKind.choices, db_index=True)
    # "<model label>:<pk>" of what the reminder is about, or "-" for a digest: never NULL, so
    # the unique key below holds on every database.
    object_key = models.CharField(_("about"), max_length=60)
    # Which occurrence: a date for daily reminders, an ISO week for weekly ones, "once" …
    period = models.CharField(_("period"), max_length=30)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    due_at = models.DateTimeField(_("send at"), db_index=True)
    status = models.CharField(_("status"), max_length=20, choices=ReminderStatus.choices, default=ReminderStatus.PENDING)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Who pressed the nudge button; empty for the automatic sweep."),
    )

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "object_key", "period"],
                name="reminder_idempotency_key",
                violation_error_message=_("This reminder has already been sent."),
            ),
        ]
        indexes = [models.Index(fields=["status", "due_at"], name="reminder_pending_due")]

    def __str__(self):
        return self.title


class ReminderDelivery(models.Model):
    """One channel's attempt to deliver one reminder."""

    reminder = models.ForeignKey(Reminder, verbose_name=_("reminder"), on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    enqueued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    target = models.CharField(_("address"), max_length=300, blank=True)
    # Each resend by department staff counts here (and in the history, with who pressed it); it
    # is part of the idempotency key sent to the receiver, so a resend is not dropped as a repeat.
    resends = models.PositiveSmallIntegerField(_("times resent"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reminder delivery")
        verbose_name_plural = _("reminder deliveries")
        ordering = ["reminder", "channel"]
        constraints = [
            models.UniqueConstraint(fields=["reminder", "channel"], name="delivery_one_per_channel"),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_status_next")]

    def __str__(self):
        return f"{self.reminder} · {self.get_channel_display()}"


