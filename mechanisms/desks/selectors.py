"""Reads of the role desks: the 调度长's cockpit, the unit liaison's home and the secretary's
home. They combine what the rooms below read; no room imports them."""

import datetime
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Value,
    When,
)
from django.utils import timezone

from branches.models import Branch, Organization
from branches.roles import Role
from branches.selectors import (
    has_role,
)
from mechanisms.common.selectors import LIST_LIMIT, _count, authoring_branches, liaison_unit_id
from mechanisms.consultation.models import (
    RESOLUTION_OPEN,
    Resolution,
    ResolutionStatus,
)
from mechanisms.consultation.selectors import (
    overdue_resolutions_q,
)
from mechanisms.dispatch.models import (
    INSTRUCTION_OPEN,
    Dispatch,
    DispatchStatus,
    Instruction,
    InstructionStatus,
)
from mechanisms.dispatch.selectors import (
    OPEN_PROBLEM_EXCLUDED,
    next_dispatch_due,
    overdue_instructions_q,
)
from mechanisms.dispatch.tickets import TicketThresholds, attach_ticket_colours, overdue_days
from mechanisms.problems.models import (
    PROBLEM_RESOLVED_STATUSES,
    ProblemAssignment,
    ProblemCase,
    ProblemStatus,
)
from mechanisms.requests.models import DecisionRequest, DecisionRequestStatus, Report, ReportStatus
from mechanisms.weekly.models import WeeklyReport
from mechanisms.weekly.rules import (
    FILED_STATUSES,
    Week,
    current_week,
    filing_refusal,
    owes_report,
    week_deadline,
)
from projects import lights
from projects.models import CLOSED_STATUSES, LIGHT_SEVERITY, Project


# ---------------------------------------------------------------- the 调度长's cockpit
@dataclass
class CockpitProject:
    project: Project
    last_dispatch_on: datetime.date | None
    next_due_on: datetime.date
    dispatch_due: bool
    overdue_days: int


@dataclass
class Cockpit:
    today: datetime.date
    projects: list[CockpitProject]
    due: list[CockpitProject]
    overdue_instructions: list
    awaiting_verification: list
    open_problems: list
    drafts: list
    counts: dict = field(default_factory=dict)


def cockpit(user, *, today: datetime.date | None = None, thresholds: TicketThresholds | None = None) -> Cockpit:
    """The 调度长's page: their open projects with lights and forecasts and when the next session
    is due, overdue instructions, instructions awaiting verification, open problems and draft
    sessions. A fixed number of queries whatever the number of projects."""
    today = today or timezone.localdate()
    thresholds = thresholds or TicketThresholds.on(today)
    projects = list(
        Project.objects.filter(dispatch_chief=user)
        .exclude(status__in=CLOSED_STATUSES)
        .select_related("branch", "lead_unit")
        .annotate(
            open_instruction_count=_count(Instruction, "project", Q(status__in=INSTRUCTION_OPEN)),
            overdue_instruction_count=_count(Instruction, "project", overdue_instructions_q(today)),
            open_problem_count=_count(ProblemCase, "project", ~Q(status__in=OPEN_PROBLEM_EXCLUDED)),
        )
        .order_by("deadline", "name", "pk")
        if has_role(user, Role.DISPATCH_CHIEF)
        else Project.objects.none()
    )
    rows = []
    for project in projects:
        due_on = next_dispatch_due(project)
        rows.append(
            CockpitProject(
                project=project,
                last_dispatch_on=project.last_dispatch_on,
                next_due_on=due_on,
                dispatch_due=due_on <= today,
                overdue_days=overdue_days(due_on, today),
            )
        )
    # Worst light first, then the most overdue session.
    rows.sort(key=lambda r: (-LIGHT_SEVERITY.get(r.project.light, 0), r.next_due_on))
    ids = [r.project.pk for r in rows]
    instructions = Instruction.objects.filter(project_id__in=ids).select_related(
        "project", "assignee_unit", "assignee_user"
    )
    overdue = attach_ticket_colours(
        instructions.filter(overdue_instructions_q(today)).order_by("deadline", "id")[:LIST_LIMIT], thresholds
    )
    awaiting = list(instructions.filter(status=InstructionStatus.DONE).order_by("done_at", "id")[:LIST_LIMIT])
    problems = list(
        ProblemCase.objects.filter(project_id__in=ids)
        .exclude(status__in=OPEN_PROBLEM_EXCLUDED)
        .select_related("project", "responsible_unit")
        .annotate(is_overdue=Case(When(deadline__lt=today, then=Value(1)), default=Value(0)))
        .order_by("-is_overdue", "deadline", "-created_at")[:LIST_LIMIT]
    )
    drafts = list(
        Dispatch.objects.filter(project_id__in=ids, status=DispatchStatus.DRAFT)
        .select_related("project")
        .order_by("-held_on", "-id")[:LIST_LIMIT]
    )
    due = [r for r in rows if r.dispatch_due]
    due.sort(key=lambda r: r.next_due_on)
    return Cockpit(
        today=today,
        projects=rows,
        due=due,
        overdue_instructions=overdue,
        awaiting_verification=awaiting,
        open_problems=problems,
        drafts=drafts,
        counts={
            "projects": len(rows),
            "red": sum(1 for r in rows if r.project.light == lights.RED),
            "due": len(due),
            "overdue_instructions": sum(r.project.overdue_instruction_count for r in rows),
            "open_problems": sum(r.project.open_problem_count for r in rows),
        },
    )


# ---------------------------------------------------------------- the unit liaison's home
@dataclass
class LiaisonHome:
    today: datetime.date
    unit: Organization | None
    problems: list
    instructions: list
    resolutions: list
    counts: dict = field(default_factory=dict)


def _overdue_first(overdue_q: Q):
    return Case(When(overdue_q, then=Value(1)), default=Value(0), output_field=IntegerField())


def liaison_home(user, *, today: datetime.date | None = None, thresholds: TicketThresholds | None = None) -> LiaisonHome:
    """What the liaison's unit has to answer: problems it is responsible for or co-operates on,
    instructions to the unit (or to the liaison in person) and resolutions it owns, each open
    one listed, overdue first. Five queries."""
    today = today or timezone.localdate()
    thresholds = thresholds or TicketThresholds.on(today)
    unit_id = liaison_unit_id(user)
    unit = Organization.objects.filter(pk=unit_id).first() if unit_id else None
    if unit is None:
        return LiaisonHome(today=today, unit=None, problems=[], instructions=[], resolutions=[])

    problem_overdue = Q(deadline__lt=today) & ~Q(status__in=PROBLEM_RESOLVED_STATUSES)
    problems = list(
        ProblemCase.objects.filter(
            Q(responsible_unit_id=unit_id)
            | Q(Exists(ProblemAssignment.objects.filter(problem=OuterRef("pk"), unit_id=unit_id)))
        )
        .exclude(status__in=OPEN_PROBLEM_EXCLUDED)
        .select_related("branch", "project", "responsible_unit")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=ProblemAssignment.objects.filter(unit_id=unit_id),
                to_attr="unit_assignments",
            )
        )
        .annotate(is_overdue=_overdue_first(problem_overdue))
        .order_by("-is_overdue", "deadline", "-created_at", "-id")[:LIST_LIMIT]
    )
    for problem in problems:
        problem.is_lead = problem.responsible_unit_id == unit_id

    instructions = attach_ticket_colours(
        Instruction.objects.filter(Q(assignee_unit_id=unit_id) | Q(assignee_user=user), status__in=INSTRUCTION_OPEN)
        .select_related("project", "branch", "assignee_unit", "assignee_user")
        .annotate(
            is_overdue=_overdue_first(overdue_instructions_q(today)),
            is_waiting=Case(
                When(status=InstructionStatus.DONE, then=Value(1)), default=Value(0), output_field=IntegerField()
            ),
        )
        .order_by("-is_overdue", "is_waiting", "deadline", "id")[:LIST_LIMIT],
        thresholds,
    )
    resolutions = list(
        Resolution.objects.filter(owner_unit_id=unit_id, status__in=RESOLUTION_OPEN)
        .select_related("consultation", "consultation__branch")
        .annotate(
            is_overdue=_overdue_first(overdue_resolutions_q(today)),
            is_waiting=Case(
                When(status=ResolutionStatus.DONE, then=Value(1)), default=Value(0), output_field=IntegerField()
            ),
        )
        .order_by("-is_overdue", "is_waiting", "deadline", "id")[:LIST_LIMIT]
    )
    for resolution in resolutions:
        resolution.overdue_days = overdue_days(resolution.deadline, today) if resolution.is_overdue else 0
    for instruction in instructions:
        instruction.overdue_days = overdue_days(instruction.deadline, today) if instruction.is_overdue else 0
    return LiaisonHome(
        today=today,
        unit=unit,
        problems=problems,
        instructions=instructions,
        resolutions=resolutions,
        counts={
            "problems_overdue": sum(1 for p in problems if p.is_overdue),
            "instructions_overdue": sum(1 for i in instructions if i.is_overdue),
            "resolutions_overdue": sum(1 for r in resolutions if r.is_overdue),
        },
    )


# ---------------------------------------------------------------- the secretary's home
OPEN_REQUEST_STATUSES = (DecisionRequestStatus.DRAFT, DecisionRequestStatus.SUBMITTED, DecisionRequestStatus.RETURNED)


RECENTLY_ANSWERED_DAYS = 14


@dataclass
class BranchDesk:
    """One branch's section on the secretary's home."""

    branch: Branch
    week: Week
    deadline: datetime.datetime
    report: WeeklyReport | None
    overdue: bool
    # Why this week's report may not be filed (a branch not yet active…), or "": the page then
    # offers no filing button.
    refusal: str = ""
    problems: list = field(default_factory=list)
    instructions: list = field(default_factory=list)
    requests: list = field(default_factory=list)
    reports: list = field(default_factory=list)


def secretary_desk(user, *, now=None) -> list[BranchDesk]:
    """Every branch ``user`` is secretary of, with this week's report, open problems, open
    instructions and live requests and reports: a fixed number of queries whatever the number
    of branches or records (each kind is read once for all branches, then grouped)."""
    now = now or timezone.now()
    week = current_week(now)
    deadline = week_deadline(week)
    branches = list(authoring_branches(user).select_related("supervising_committee").order_by("batch", "name", "pk"))
    if not branches:
        return []
    ids = [b.pk for b in branches]
    reports = {
        r.branch_id: r
        for r in WeeklyReport.objects.filter(branch_id__in=ids, iso_year=week.iso_year, iso_week=week.iso_week)
    }
    desks = {}
    for b in branches:
        refusal = filing_refusal(b, week, now=now) or ""
        report = reports.get(b.pk)
        desks[b.pk] = BranchDesk(
            branch=b,
            week=week,
            deadline=deadline,
            report=report,
            overdue=not refusal
            and now > deadline
            and owes_report(b, week)
            and (report is None or report.status not in FILED_STATUSES),
            refusal=refusal,
        )
    for problem in (
        ProblemCase.objects.filter(branch_id__in=ids)
        .exclude(status=ProblemStatus.CLOSED)
        .select_related("responsible_unit")
        .order_by("deadline", "-created_at", "pk")
    ):
        desks[problem.branch_id].problems.append(problem)
    for instruction in (
        Instruction.objects.filter(branch_id__in=ids)
        .exclude(status=InstructionStatus.VERIFIED)
        .select_related("assignee_unit", "assignee_user", "project")
        .order_by("deadline", "pk")
    ):
        desks[instruction.branch_id].instructions.append(instruction)
    since = now - datetime.timedelta(days=RECENTLY_ANSWERED_DAYS)
    for request in (
        DecisionRequest.objects.filter(branch_id__in=ids)
        .filter(Q(status__in=OPEN_REQUEST_STATUSES) | Q(replied_at__gte=since))
        .order_by("-created_at", "-pk")
    ):
        desks[request.branch_id].requests.append(request)
    for report in (
        Report.objects.filter(branch_id__in=ids)
        .filter(Q(status__in=(ReportStatus.DRAFT, ReportStatus.SUBMITTED)) | Q(acknowledged_at__gte=since))
        .order_by("-created_at", "-pk")
    ):
        desks[report.branch_id].reports.append(report)
    return [desks[pk] for pk in ids]
