"""推进调度 — progress dispatch: the 调度长's sessions and the instructions (督办事项) they issue."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from branches.models import Branch, Organization
from core.models import OwnedModel
from projects.models import Project


class DispatchStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    RECORDED = "recorded", _("Recorded")


class Dispatch(OwnedModel):
    """One dispatch session of a project, chaired by its 调度长."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="dispatches")
    branch = models.ForeignKey(Branch, verbose_name=_("branch"), on_delete=models.PROTECT, related_name="dispatches")
    held_on = models.DateField(_("held on"))
    location = models.CharField(_("location"), max_length=120, blank=True)
    attendees = models.TextField(_("attendees"), blank=True)
    # The agenda as it was pre-filled when the session was opened (red and yellow indicators,
    # milestones due, overdue instructions, open problems), kept as the record of what was on
    # the table that day.
    agenda = models.JSONField(_("agenda"), default=list, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=DispatchStatus.choices, default=DispatchStatus.DRAFT)
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("dispatch session")
        verbose_name_plural = _("dispatch sessions")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["project", "status", "held_on"], name="dispatch_project_held")]

    def __str__(self):
        return f"{self.project} · {self.held_on}"


class InstructionStatus(models.TextChoices):
    ISSUED = "issued", _("Issued")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    DONE = "done", _("Done, awaiting verification")
    RETURNED = "returned", _("Returned for rework")
    VERIFIED = "verified", _("Verified")


class Instruction(OwnedModel):
    """A 督办事项 issued to a unit or a person with a deadline, followed to verified done."""

    dispatch = models.ForeignKey(
        Dispatch, verbose_name=_("dispatch session"), null=True, blank=True, on_delete=models.PROTECT, related_name="instructions"
    )
    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="instructions")
    branch = models.ForeignKey(Branch, verbose_name=_("branch"), on_delete=models.PROTECT, related_name="instructions")
    title = models.CharField(_("title"), max_length=120)
    content = models.TextField(_("content"), blank=True)
    assignee_unit = models.ForeignKey(
        Organization, verbose_name=_("assigned unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="instructions"
    )
    assignee_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="instructions",
    )
    issued_on = models.DateField(_("issued on"))
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=20, choices=InstructionStatus.choices, default=InstructionStatus.ISSUED, db_index=True
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    result = models.TextField(_("result"), blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    return_reason = models.TextField(_("reason for return"), blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("verified by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("instruction")
        verbose_name_plural = _("instructions")
        ordering = ["deadline", "id"]
        indexes = [
            models.Index(fields=["status", "deadline"], name="instruction_status_deadline"),
            models.Index(fields=["project", "status"], name="instruction_project_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(assignee_unit__isnull=False) | Q(assignee_user__isnull=False),
                name="instruction_has_assignee",
                violation_error_message=_("An instruction must be assigned to a unit or a person."),
            ),
            models.CheckConstraint(
                condition=Q(deadline__gte=models.F("issued_on")),
                name="instruction_deadline_after_issue",
                violation_error_message=_("The deadline cannot be before the issue date."),
            ),
        ]

    def __str__(self):
        return self.title
