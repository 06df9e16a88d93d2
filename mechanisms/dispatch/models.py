"""推进调度 — progress dispatch: the 调度长's sessions and the instructions (督办事项) they issue."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from branches.models import Branch, Organization
from core.history import HistoricalRecords
from core.models import OwnedModel
from projects.models import Project


class DispatchStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    RECORDED = "recorded", _("Recorded")


# The one transition table of a dispatch session: a draft is recorded once, then it is the record.
DISPATCH_TRANSITIONS: dict[str, set[str]] = {
    DispatchStatus.DRAFT: {DispatchStatus.RECORDED},
    DispatchStatus.RECORDED: set(),
}


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


def ticket_transitions(statuses, *, received: str, taken: str) -> dict[str, set[str]]:
    """The one lifecycle of a ticket — an instruction (督办事项) or a consultation's resolution:
    the assignee takes it on (``received`` → ``taken``), reports it done; the issuer verifies it
    or returns it for rework, after which it is reported done again. ``statuses`` names its DONE,
    RETURNED and VERIFIED members alike for every kind of ticket."""
    return {
        received: {taken},
        taken: {statuses.DONE},
        statuses.DONE: {statuses.VERIFIED, statuses.RETURNED},
        statuses.RETURNED: {statuses.DONE},
        statuses.VERIFIED: set(),
    }


# The one transition table of an instruction (mechanisms.dispatch.services moves along it).
INSTRUCTION_TRANSITIONS = ticket_transitions(
    InstructionStatus, received=InstructionStatus.ISSUED, taken=InstructionStatus.ACKNOWLEDGED
)


# The ball is in the assignee's court: these carry a ticket colour and can be overdue.
INSTRUCTION_AWAITING_ASSIGNEE = frozenset(
    {InstructionStatus.ISSUED, InstructionStatus.ACKNOWLEDGED, InstructionStatus.RETURNED}
)


# Not yet verified: still on somebody's desk.
INSTRUCTION_OPEN = INSTRUCTION_AWAITING_ASSIGNEE | {InstructionStatus.DONE}


# Reported done (verified or not yet): what the figures and the dashboard count as done; whether
# it was on time is the date it was reported done (``done_at``) against its deadline.
INSTRUCTION_DONE_STATUSES = frozenset({InstructionStatus.DONE, InstructionStatus.VERIFIED})


def acknowledge_alert_on(issued_on: datetime.date, deadline: datetime.date) -> datetime.date:
    """The first day on which more than 75 % of the time from issue to deadline has passed.

    An instruction still unacknowledged on that day shows yellow (mechanisms.dispatch.tickets
    .ticket_colour). ``today - issued > 3/4 · span`` holds from ``issued + ⌊3·span/4⌋ + 1`` on;
    kept as a column so lists can filter by colour in SQL on any database."""
    span = max(0, (deadline - issued_on).days)
    return issued_on + datetime.timedelta(days=(3 * span) // 4 + 1)


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
    acknowledge_alert_on = models.DateField(
        _("unacknowledged alert from"),
        null=True,
        editable=False,
        help_text=_("From this day an instruction not yet acknowledged shows yellow (three quarters of its time have passed)."),
    )
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
            models.Index(fields=["assignee_unit", "status"], name="instruction_unit_status"),
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

    def save(self, *args, **kwargs):
        # Derived from two columns; kept here so every way of saving (services, admin,
        # fixtures) keeps the colour filter true.
        if self.issued_on and self.deadline:
            self.acknowledge_alert_on = acknowledge_alert_on(self.issued_on, self.deadline)
            update_fields = kwargs.get("update_fields")
            if update_fields is not None and {"issued_on", "deadline"} & set(update_fields):
                kwargs["update_fields"] = {*update_fields, "acknowledge_alert_on"}
        super().save(*args, **kwargs)

    @property
    def awaiting_assignee(self) -> bool:
        return self.status in INSTRUCTION_AWAITING_ASSIGNEE
