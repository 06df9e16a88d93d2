"""问题研判 — problem analysis: a problem raised, analysed, assigned, resolved and verified."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from branches.models import Branch, Organization, Person
from core.history import HistoricalRecords
from core.models import OwnedModel, TimeStampedModel
from projects.models import Project


class ProblemCategory(models.TextChoices):
    PAIN_POINT = "pain_point", _("Pain point")
    DIFFICULTY = "difficulty", _("Difficulty")
    BLOCKAGE = "blockage", _("Blockage")


class ProblemSeverity(models.TextChoices):
    ORDINARY = "ordinary", _("Ordinary")
    SERIOUS = "serious", _("Serious")
    MAJOR = "major", _("Major")


class ProblemSource(models.TextChoices):
    BRANCH = "branch", _("The branch")
    MEMBER = "member", _("A member")
    DISPATCH = "dispatch", _("A dispatch session")
    ENTERPRISE = "enterprise", _("Enterprise whistle")
    WEEKLY_REPORT = "weekly_report", _("A weekly report")


class ProblemStatus(models.TextChoices):
    REPORTED = "reported", _("Reported")
    ANALYSED = "analysed", _("Analysed and assigned")
    ACCEPTED = "accepted", _("Accepted by the unit")
    OBJECTED = "objected", _("Objected by the unit")
    RESOLVED = "resolved", _("Resolved, awaiting verification")
    CLOSED = "closed", _("Verified and closed")


# The one transition table of a problem (services/problems.py moves along it). An objection
# sends the problem back to the analysts, who assign it again; a refused verification sends it
# back to the unit.
PROBLEM_TRANSITIONS: dict[str, set[str]] = {
    ProblemStatus.REPORTED: {ProblemStatus.ANALYSED},
    ProblemStatus.ANALYSED: {ProblemStatus.ACCEPTED, ProblemStatus.OBJECTED},
    ProblemStatus.OBJECTED: {ProblemStatus.ANALYSED},
    ProblemStatus.ACCEPTED: {ProblemStatus.RESOLVED},
    ProblemStatus.RESOLVED: {ProblemStatus.CLOSED, ProblemStatus.ACCEPTED},
    ProblemStatus.CLOSED: set(),
}


# Assigned and not yet resolved: the deadline runs and the problem can be overdue.
PROBLEM_OPEN_STATUSES = (ProblemStatus.ANALYSED, ProblemStatus.ACCEPTED, ProblemStatus.OBJECTED)


# The unit has resolved it (verified or not yet): what the figures, the dashboard and the desks
# count as resolved. Everything else is still unresolved (reported ones included).
PROBLEM_RESOLVED_STATUSES = frozenset({ProblemStatus.RESOLVED, ProblemStatus.CLOSED})


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY = "basically", _("Basically satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")


class ProblemCase(OwnedModel):
    branch = models.ForeignKey(Branch, verbose_name=_("branch"), on_delete=models.PROTECT, related_name="problems")
    project = models.ForeignKey(
        Project, verbose_name=_("project"), null=True, blank=True, on_delete=models.PROTECT, related_name="problems"
    )
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"))
    category = models.CharField(_("category"), max_length=20, choices=ProblemCategory.choices)
    severity = models.CharField(
        _("severity"), max_length=20, choices=ProblemSeverity.choices, default=ProblemSeverity.ORDINARY
    )
    source = models.CharField(_("source"), max_length=20, choices=ProblemSource.choices, default=ProblemSource.BRANCH)
    raised_by_person = models.ForeignKey(
        Person, verbose_name=_("raised by member"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    dispatch = models.ForeignKey(
        # By name: the problems room sits below 推进调度 (whose agenda reads problems).
        "mechanisms.Dispatch",
        verbose_name=_("raised at dispatch session"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="problems",
    )
    # 企业吹哨: who blew the whistle and what blocks them.
    enterprise_name = models.CharField(_("enterprise"), max_length=120, blank=True)
    enterprise_contact = models.CharField(_("enterprise contact"), max_length=50, blank=True)
    enterprise_phone = models.CharField(_("enterprise phone"), max_length=30, blank=True)

    status = models.CharField(
        _("status"), max_length=20, choices=ProblemStatus.choices, default=ProblemStatus.REPORTED, db_index=True
    )
    # Analysis (研判)
    conclusion = models.TextField(_("analysis conclusion"), blank=True)
    responsible_unit = models.ForeignKey(
        Organization,
        verbose_name=_("responsible unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problems_led",
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    analysed_at = models.DateTimeField(_("analysed at"), null=True, blank=True)
    analysed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("analysed by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The unit answers within one working day: accept, or object with a reason.
    accept_due_on = models.DateField(_("accept or object by"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    objection = models.TextField(_("objection"), blank=True)
    objected_at = models.DateTimeField(_("objected at"), null=True, blank=True)
    # The lead unit answers the enterprise within its limit (default 7 working days).
    answer_due_on = models.DateField(_("answer the enterprise by"), null=True, blank=True)
    resolution = models.TextField(_("resolution and evidence"), blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("verified by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verification_note = models.TextField(_("verification remarks"), blank=True)
    satisfaction = models.CharField(_("enterprise satisfaction"), max_length=20, choices=Satisfaction.choices, blank=True)
    escalated_at = models.DateTimeField(_("escalated to the dispatch chief at"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("problem case")
        verbose_name_plural = _("problem cases")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["branch", "status"], name="problem_branch_status"),
            models.Index(fields=["status", "deadline"], name="problem_status_deadline"),
            # The problem list's order (newest first), read backwards for its first pages.
            models.Index(fields=["created_at", "id"], name="problem_list_order"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(source="enterprise") | ~Q(enterprise_name=""),
                name="problem_whistle_names_enterprise",
                violation_error_message=_("An enterprise whistle must name the enterprise."),
            ),
            # Satisfaction is the enterprise's verdict: only whistle cases have one, and a
            # whistle case is not closed without it.
            models.CheckConstraint(
                condition=Q(source="enterprise") | Q(satisfaction=""),
                name="problem_satisfaction_only_for_whistle",
                violation_error_message=_("Only an enterprise whistle records the enterprise's satisfaction."),
            ),
            models.CheckConstraint(
                condition=~Q(source="enterprise", status="closed", satisfaction=""),
                name="problem_closed_whistle_has_satisfaction",
                violation_error_message=_("Record the enterprise's satisfaction before closing a whistle case."),
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_whistle(self) -> bool:
        return self.source == ProblemSource.ENTERPRISE

    @property
    def is_open(self) -> bool:
        return self.status in PROBLEM_OPEN_STATUSES

    def is_overdue_on(self, today) -> bool:
        return self.is_open and self.deadline is not None and self.deadline < today


class AssignmentStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting answer")
    ANSWERED = "answered", _("Answered")


ASSIGNMENT_TRANSITIONS: dict[str, set[str]] = {
    AssignmentStatus.PENDING: {AssignmentStatus.ANSWERED},
    AssignmentStatus.ANSWERED: set(),
}


class ProblemAssignment(TimeStampedModel):
    """A co-operating unit's part in a problem: it answers the lead unit within its limit
    (default 3 working days)."""

    problem = models.ForeignKey(
        ProblemCase, verbose_name=_("problem"), on_delete=models.CASCADE, related_name="assignments"
    )
    unit = models.ForeignKey(Organization, verbose_name=_("co-operating unit"), on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField(_("answer by"))
    status = models.CharField(_("status"), max_length=20, choices=AssignmentStatus.choices, default=AssignmentStatus.PENDING)
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("answered by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("co-operating unit assignment")
        verbose_name_plural = _("co-operating unit assignments")
        ordering = ["problem", "id"]
        constraints = [
            models.UniqueConstraint(fields=["problem", "unit"], name="assignment_one_per_unit"),
        ]

    def __str__(self):
        return f"{self.problem} · {self.unit}"


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


EXTENSION_TRANSITIONS: dict[str, set[str]] = {
    ExtensionStatus.PENDING: {ExtensionStatus.APPROVED, ExtensionStatus.REFUSED},
    ExtensionStatus.APPROVED: set(),
    ExtensionStatus.REFUSED: set(),
}


class DeadlineExtension(TimeStampedModel):
    """A request to move a problem's deadline; it must be asked before the deadline passes."""

    problem = models.ForeignKey(
        ProblemCase, verbose_name=_("problem"), on_delete=models.CASCADE, related_name="extensions"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    previous_deadline = models.DateField(_("deadline when asked"), null=True, blank=True)
    requested_until = models.DateField(_("new deadline"))
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=20, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision remarks"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("deadline extension")
        verbose_name_plural = _("deadline extensions")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["problem"],
                condition=Q(status="pending"),
                name="extension_one_pending_per_problem",
                violation_error_message=_("An extension request for this problem is already pending."),
            ),
        ]

    def __str__(self):
        return f"{self.problem} → {self.requested_until}"
