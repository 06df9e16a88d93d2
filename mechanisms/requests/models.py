"""请示报告 — the branch asks its superior for decisions and reports to the department."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from branches.models import Branch
from core.history import HistoricalRecords
from core.models import OwnedModel


class DecisionRequestStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned with reasons")
    REJECTED = "rejected", _("Rejected")


class DecisionRequest(OwnedModel):
    """A 请示 from the branch to its supervising Party committee."""

    branch = models.ForeignKey(Branch, verbose_name=_("branch"), on_delete=models.PROTECT, related_name="decision_requests")
    title = models.CharField(_("title"), max_length=160)
    content = models.TextField(_("content"))
    status = models.CharField(
        _("status"), max_length=20, choices=DecisionRequestStatus.choices, default=DecisionRequestStatus.DRAFT, db_index=True
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reply_due_on = models.DateField(_("reply due"), null=True, blank=True)
    reply = models.TextField(_("reply"), blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("replied by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("request for decision")
        verbose_name_plural = _("requests for decision")
        ordering = ["-created_at", "-id"]
        # "Awaiting a reply, oldest due first" for the department's list and the reminders.
        indexes = [models.Index(fields=["status", "reply_due_on"], name="decision_request_status_due")]

    def __str__(self):
        return self.title


class ReportKind(models.TextChoices):
    SPECIAL = "special", _("Special report")
    MAJOR_MATTER = "major_matter", _("Major-matter report")
    COMPLETION = "completion", _("Completion report")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged by the department")


class Report(OwnedModel):
    branch = models.ForeignKey(Branch, verbose_name=_("branch"), on_delete=models.PROTECT, related_name="reports")
    kind = models.CharField(_("kind"), max_length=20, choices=ReportKind.choices)
    title = models.CharField(_("title"), max_length=160)
    content = models.TextField(_("content"))
    status = models.CharField(
        _("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT, db_index=True
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("acknowledged by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title
