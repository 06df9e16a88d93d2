"""Reads of 推进调度 and 对接会商: who may act, ticket colours, the pre-filled agenda, the lists,
the 调度长's cockpit and the unit liaison's home.

Visibility comes from mechanisms.selectors (``visible_*``); this module only narrows it.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from branches.models import Branch, BranchScope, Membership, Organization, User
from branches.roles import Role
from branches.selectors import (
    can_write_jurisdiction,
    editable_branches,
    has_role,
    jurisdiction_path,
    visible_branches,
)
from projects import lights
from projects.models import CADENCE_DAYS, CLOSED_STATUSES, LIGHT_SEVERITY, Project
from projects.services import next_dispatch_due as projects_next_dispatch_due

from .models import (
    Consultation,
    Dispatch,
    DispatchStatus,
    Instruction,
    InstructionStatus,
    ProblemAssignment,
    ProblemCase,
    ProblemStatus,
    Resolution,
    ResolutionStatus,
)
from .models.consultation import RESOLUTION_AWAITING_UNIT, RESOLUTION_OPEN
from .models.dispatch import INSTRUCTION_AWAITING_ASSIGNEE, INSTRUCTION_OPEN
from .selectors import (
    liaison_unit_id,
    visible_consultations,
    visible_dispatches,
    visible_instructions,
    visible_resolutions,
)
from .workdays import WorkCalendar

LIST_LIMIT = 50


# ---------------------------------------------------------------- who may act
def dispatch_projects(user) -> QuerySet[Project]:
    """Projects whose dispatch sessions and instructions ``user`` runs: the projects they are
    调度长 of, and department staff the projects in their jurisdiction. Leaders only read."""
    if not user.is_authenticated:
        return Project.objects.none()
    if user.is_superuser:
        return Project.objects.all()
    rules = []
    if has_role(user, Role.DISPATCH_CHIEF):
        rules.append(Q(dispatch_chief=user))
    path = jurisdiction_path(user)
    if can_write_jurisdiction(user) and path is not None:
        rules.append(Q(branch__supervising_committee__path__startswith=path))
    if not rules:
        return Project.objects.none()
    combined = rules[0]
    for rule in rules[1:]:
        combined |= rule
    return Project.objects.filter(combined)


def can_run_dispatch(user, project) -> bool:
    return dispatch_projects(user).filter(pk=project.pk).exists()


def can_manage_instruction(user, instruction) -> bool:
    """Issue, verify and return: the 调度长 of the project and department staff over it."""
    return can_run_dispatch(user, instruction.project)


def is_instruction_assignee(user, instruction) -> bool:
    """Acknowledge and report done: the person assigned, or a liaison of the unit assigned."""
    if not user.is_authenticated:
        return False
    if instruction.assignee_user_id and instruction.assignee_user_id == user.pk:
        return True
    unit = liaison_unit_id(user)
    return bool(unit and instruction.assignee_unit_id == unit)


def convening_branches(user) -> QuerySet[Branch]:
    """Branches whose consultations ``user`` convenes and follows up: department staff in
    jurisdiction and the branch's secretary (editable_branches), and the 调度长 of a project of
    the branch."""
    if not user.is_authenticated:
        return Branch.objects.none()
    rules = Q(pk__in=editable_branches(user).values("pk"))
    if has_role(user, Role.DISPATCH_CHIEF):
        rules |= Q(Exists(Project.objects.filter(branch=OuterRef("pk"), dispatch_chief=user)))
    return Branch.objects.filter(rules)


def consultation_branch_choices(user) -> QuerySet[Branch]:
    """Where a new consultation may be convened: cross-department branches ``user`` convenes."""
    return (
        convening_branches(user)
        .filter(scope=BranchScope.CROSS_DOMAIN)
        .select_related("lead_unit")
        .order_by("batch", "name", "pk")
    )


def can_manage_consultation(user, consultation) -> bool:
    return convening_branches(user).filter(pk=consultation.branch_id).exists()


def unit_rights(user, consultation) -> tuple[int | None, bool]:
    """(the unit ``user`` answers for as a liaison, whether they may act on behalf of any unit
    of ``consultation``): department staff over the consultation's branch sign off and report
    for a unit that cannot."""
    if not user.is_authenticated:
        return None, False
    if user.is_superuser:
        return None, True
    path = jurisdiction_path(user)
    on_behalf = (
        can_write_jurisdiction(user)
        and path is not None
        and Branch.objects.filter(pk=consultation.branch_id, supervising_committee__path__startswith=path).exists()
    )
    return liaison_unit_id(user), on_behalf


def can_act_for_unit(user, resolution) -> bool:
    """Sign off and report done: a liaison of the owner unit, or department staff on its behalf."""
    unit, on_behalf = unit_rights(user, resolution.consultation)
    return on_behalf or (unit is not None and unit == resolution.owner_unit_id)


def unit_liaisons(unit_ids) -> QuerySet[User]:
    """The active liaisons of the given units (the people who answer for them)."""
    return User.objects.filter(
        organization_id__in=list(unit_ids), groups__name=Role.UNIT_LIAISON, is_active=True
    ).distinct()


# ---------------------------------------------------------------- ticket colours
TICKET_RED, TICKET_YELLOW, TICKET_BLUE = "red", "yellow", "blue"
TICKET_COLOURS = (TICKET_RED, TICKET_YELLOW, TICKET_BLUE)
# "Near" and "behind" in working days (mechanisms.workdays: Monday–Friday, holidays, 调休).
YELLOW_WORKING_DAYS = 1
BLUE_WORKING_DAYS = 3


@dataclass(frozen=True)
class TicketThresholds:
    """The dates that decide every instruction's colour on ``today``.

    An instruction awaiting its assignee (issued, acknowledged or returned) is

    * RED    when its deadline has passed (``deadline < today``; the deadline day itself is not
      overdue);
    * YELLOW when at most 1 working day is left — the deadline is today or falls before the
      2nd working day after today — or when it is still unacknowledged on or after
      ``acknowledge_alert_on`` (more than 75 % of the time from issue to deadline has passed);
    * BLUE   when at most 3 working days are left (the deadline falls before the 4th working
      day after today);
    * no colour otherwise, and never once reported done or verified.

    "Working days left" counts the working days after today up to and including the deadline.
    """

    today: datetime.date
    yellow_before: datetime.date
    blue_before: datetime.date

    @classmethod
    def on(cls, today: datetime.date, calendar: WorkCalendar | None = None) -> "TicketThresholds":
        calendar = calendar or WorkCalendar.load()
        return cls(
            today=today,
            yellow_before=calendar.add_working_days(today, YELLOW_WORKING_DAYS + 1),
            blue_before=calendar.add_working_days(today, BLUE_WORKING_DAYS + 1),
        )


def ticket_colour(instruction, thresholds: TicketThresholds) -> str | None:
    """The colour of one instruction (the one definition; ``ticket_colour_q`` is its SQL twin)."""
    if instruction.status not in INSTRUCTION_AWAITING_ASSIGNEE:
        return None
    if instruction.deadline < thresholds.today:
        return TICKET_RED
    if instruction.deadline < thresholds.yellow_before:
        return TICKET_YELLOW
    if (
        instruction.status == InstructionStatus.ISSUED
        and instruction.acknowledge_alert_on is not None
        and instruction.acknowledge_alert_on <= thresholds.today
    ):
        return TICKET_YELLOW
    if instruction.deadline < thresholds.blue_before:
        return TICKET_BLUE
    return None


def ticket_colour_q(colour: str, thresholds: TicketThresholds) -> Q:
    """The instructions of ``colour`` on the thresholds' day, as a filter."""
    awaiting = Q(status__in=INSTRUCTION_AWAITING_ASSIGNEE)
    today = thresholds.today
    unacknowledged_late = Q(status=InstructionStatus.ISSUED, acknowledge_alert_on__lte=today)
    yellow = awaiting & Q(deadline__gte=today) & (Q(deadline__lt=thresholds.yellow_before) | unacknowledged_late)
    if colour == TICKET_RED:
        return awaiting & Q(deadline__lt=today)
    if colour == TICKET_YELLOW:
        return yellow
    if colour == TICKET_BLUE:
        return awaiting & Q(deadline__gte=today, deadline__lt=thresholds.blue_before) & ~yellow
    raise ValueError(colour)


def overdue_instructions_q(today: datetime.date) -> Q:
    return Q(status__in=INSTRUCTION_AWAITING_ASSIGNEE, deadline__lt=today)


def overdue_resolutions_q(today: datetime.date) -> Q:
    return Q(status__in=RESOLUTION_AWAITING_UNIT, deadline__lt=today)


def attach_ticket_colours(instructions, thresholds: TicketThresholds):
    """Set ``ticket`` (colour or None) on each instruction; returns them (a list)."""
    rows = list(instructions)
    for row in rows:
        row.ticket = ticket_colour(row, thresholds)
    return rows


def overdue_days(deadline: datetime.date | None, today: datetime.date) -> int:
    if deadline is None or deadline >= today:
        return 0
    return (today - deadline).days


# ---------------------------------------------------------------- the agenda of a session
AGENDA_INDICATOR, AGENDA_MILESTONE, AGENDA_INSTRUCTION, AGENDA_PROBLEM = "indicator", "milestone", "instruction", "problem"
AGENDA_KINDS = (AGENDA_INDICATOR, AGENDA_MILESTONE, AGENDA_INSTRUCTION, AGENDA_PROBLEM)
OPEN_PROBLEM_EXCLUDED = (ProblemStatus.CLOSED,)


def indicator_light(indicator, *, start, deadline, today) -> tuple[str, Decimal, Decimal]:
    """(light, progress, elapsed) of one indicator by the project light's own thresholds
    (projects.lights): red when the deadline has passed short of target or progress trails
    the time elapsed by more than 20 points, yellow by more than 10 points, else green."""
    figures = lights.IndicatorFigures(
        baseline=indicator.baseline, target=indicator.target, current=indicator.current_value, weight=indicator.weight
    )
    progress = lights.indicator_progress(figures)
    elapsed = lights.elapsed_share(start, deadline, today)
    gap = elapsed - progress
    if (today > deadline and progress < 1) or gap > lights.RED_GAP:
        return lights.RED, progress, elapsed
    if gap > lights.YELLOW_GAP:
        return lights.YELLOW, progress, elapsed
    return lights.GREEN, progress, elapsed


def _person(user) -> str:
    return user.get_full_name() if user else ""


def dispatch_agenda(project: Project, today: datetime.date) -> list[dict]:
    """What needs a decision at a dispatch session of ``project`` on ``today`` (four queries):

    * indicators whose progress trails the time elapsed (red first, then yellow);
    * milestones not done that are overdue or due within the next cadence period;
    * instructions of the project past their deadline and still awaiting the assignee;
    * problems of the project not yet closed.

    Items are plain JSON (ids, names, ISO dates, decimals as strings) so the list can be kept
    as the session's record and shown in any language later."""
    items: list[dict] = []
    indicator_rows = []
    for indicator in project.indicators.order_by("id"):
        light, progress, elapsed = indicator_light(
            indicator, start=project.start_on, deadline=project.deadline, today=today
        )
        if light == lights.GREEN:
            continue
        indicator_rows.append(
            {
                "kind": AGENDA_INDICATOR,
                "id": indicator.pk,
                "title": indicator.name,
                "light": light,
                "unit": indicator.unit,
                "current": str(indicator.current_value),
                "target": str(indicator.target),
                "progress": str(progress),
                "elapsed": str(elapsed),
            }
        )
    indicator_rows.sort(key=lambda r: -LIGHT_SEVERITY[r["light"]])
    items.extend(indicator_rows)

    horizon = today + datetime.timedelta(days=CADENCE_DAYS.get(project.dispatch_cadence, 7))
    for milestone in project.milestones.filter(done_on__isnull=True, due_on__lte=horizon).order_by("due_on", "id"):
        items.append(
            {
                "kind": AGENDA_MILESTONE,
                "id": milestone.pk,
                "title": milestone.name,
                "due_on": milestone.due_on.isoformat(),
                "overdue_days": overdue_days(milestone.due_on, today),
            }
        )

    instructions = (
        Instruction.objects.filter(overdue_instructions_q(today), project=project)
        .select_related("assignee_unit", "assignee_user")
        .order_by("deadline", "id")
    )
    for instruction in instructions:
        items.append(
            {
                "kind": AGENDA_INSTRUCTION,
                "id": instruction.pk,
                "title": instruction.title,
                "status": instruction.status,
                "deadline": instruction.deadline.isoformat(),
                "overdue_days": overdue_days(instruction.deadline, today),
                "assignee": str(instruction.assignee_unit or "") or _person(instruction.assignee_user),
            }
        )

    problems = (
        ProblemCase.objects.filter(project=project)
        .exclude(status__in=OPEN_PROBLEM_EXCLUDED)
        .select_related("responsible_unit")
        .order_by("deadline", "created_at", "id")
    )
    for problem in problems:
        items.append(
            {
                "kind": AGENDA_PROBLEM,
                "id": problem.pk,
                "title": problem.title,
                "status": problem.status,
                "severity": problem.severity,
                "deadline": problem.deadline.isoformat() if problem.deadline else None,
                "overdue_days": overdue_days(problem.deadline, today),
                "responsible_unit": str(problem.responsible_unit or ""),
            }
        )
    return items


@dataclass
class AgendaSection:
    kind: str
    items: list


def agenda_sections(agenda: list[dict]) -> list[AgendaSection]:
    """The stored agenda grouped by kind in a fixed order, with labels for codes."""
    from .models import ProblemSeverity

    sections = []
    for kind in AGENDA_KINDS:
        rows = []
        for item in agenda or ():
            if item.get("kind") != kind:
                continue
            row = dict(item)
            if kind == AGENDA_INSTRUCTION and row.get("status") in InstructionStatus.values:
                row["status_label"] = InstructionStatus(row["status"]).label
            if kind == AGENDA_PROBLEM:
                if row.get("status") in ProblemStatus.values:
                    row["status_label"] = ProblemStatus(row["status"]).label
                if row.get("severity") in ProblemSeverity.values:
                    row["severity_label"] = ProblemSeverity(row["severity"]).label
            if kind == AGENDA_INDICATOR:
                row["progress_pct"] = round(float(row.get("progress") or 0) * 100)
                row["elapsed_pct"] = round(float(row.get("elapsed") or 0) * 100)
            rows.append(row)
        sections.append(AgendaSection(kind=kind, items=rows))
    return sections


# ---------------------------------------------------------------- cadence
def next_dispatch_due(project: Project) -> datetime.date:
    """When the next session of ``project`` is due: kept on the project when a session is
    recorded (projects.services.project_schedule_dispatch: the last one plus the cadence; the
    project's start while none was held)."""
    return project.next_dispatch_on or projects_next_dispatch_due(project)


def _count(model, fk: str, q: Q):
    return Coalesce(
        Subquery(
            model.objects.filter(q, **{fk: OuterRef("pk")})
            .order_by()
            .values(fk)
            .annotate(n=Count("pk"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


# ---------------------------------------------------------------- lists
DISPATCH_FILTERS = ("project", "branch", "status")


def dispatch_list(*, user, filters: dict | None = None, search: str = "") -> QuerySet[Dispatch]:
    filters = filters or {}
    qs = visible_dispatches(user)
    for key in DISPATCH_FILTERS:
        value = filters.get(key)
        if value not in (None, ""):
            qs = qs.filter(**{key: value})
    if filters.get("held_from"):
        qs = qs.filter(held_on__gte=filters["held_from"])
    if filters.get("held_to"):
        qs = qs.filter(held_on__lte=filters["held_to"])
    if search:
        qs = qs.filter(
            Q(project__name__icontains=search)
            | Q(notes__icontains=search)
            | Q(attendees__icontains=search)
            | Q(location__icontains=search)
        )
    return (
        qs.select_related("project", "branch", "created_by")
        .annotate(instruction_count=_count(Instruction, "dispatch", Q()))
        .order_by("-held_on", "-id")
    )


INSTRUCTION_FILTERS = ("project", "branch", "status", "assignee_unit", "dispatch")


def instruction_list(
    *, user, filters: dict | None = None, search: str = "", thresholds: TicketThresholds
) -> QuerySet[Instruction]:
    filters = filters or {}
    qs = visible_instructions(user)
    for key in INSTRUCTION_FILTERS:
        value = filters.get(key)
        if value not in (None, ""):
            qs = qs.filter(**{key: value})
    if filters.get("open"):
        qs = qs.filter(status__in=INSTRUCTION_OPEN)
    if filters.get("overdue"):
        qs = qs.filter(overdue_instructions_q(thresholds.today))
    colour = filters.get("colour")
    if colour in TICKET_COLOURS:
        qs = qs.filter(ticket_colour_q(colour, thresholds))
    if filters.get("mine"):
        unit = liaison_unit_id(user)
        mine = Q(assignee_user=user)
        if unit:
            mine |= Q(assignee_unit_id=unit)
        qs = qs.filter(mine)
    if search:
        qs = qs.filter(
            Q(title__icontains=search)
            | Q(content__icontains=search)
            | Q(result__icontains=search)
            | Q(project__name__icontains=search)
        )
    return qs.select_related("project", "branch", "assignee_unit", "assignee_user", "dispatch").order_by(
        "deadline", "id"
    )


CONSULTATION_FILTERS = ("project", "branch", "status")


def consultation_list(
    *, user, filters: dict | None = None, search: str = "", today: datetime.date | None = None
) -> QuerySet[Consultation]:
    filters = filters or {}
    today = today or timezone.localdate()
    qs = visible_consultations(user)
    for key in CONSULTATION_FILTERS:
        value = filters.get(key)
        if value not in (None, ""):
            qs = qs.filter(**{key: value})
    unit = filters.get("unit")
    if unit not in (None, ""):
        qs = qs.filter(
            Q(lead_unit=unit)
            | Q(Exists(Consultation.participating_units.through.objects.filter(
                consultation_id=OuterRef("pk"), organization_id=unit
            )))
            | Q(Exists(Resolution.objects.filter(consultation=OuterRef("pk"), owner_unit_id=unit)))
        )
    if filters.get("overdue"):
        qs = qs.filter(Exists(Resolution.objects.filter(overdue_resolutions_q(today), consultation=OuterRef("pk"))))
    if search:
        qs = qs.filter(Q(topic__icontains=search) | Q(minutes__icontains=search) | Q(participants__icontains=search))
    return (
        qs.select_related("branch", "project", "lead_unit")
        .annotate(
            resolution_count=_count(Resolution, "consultation", Q()),
            verified_count=_count(Resolution, "consultation", Q(status=ResolutionStatus.VERIFIED)),
            overdue_count=_count(Resolution, "consultation", overdue_resolutions_q(today)),
        )
        .order_by("-held_on", "-id")
    )


def filter_choices(user, *, source: QuerySet) -> dict:
    """Projects, branches and units named by the rows ``user`` may see (one query each)."""
    source = source.order_by()
    return {
        "projects": list(Project.objects.filter(pk__in=source.values("project")).order_by("name", "pk")),
        "branches": list(Branch.objects.filter(pk__in=source.values("branch")).order_by("batch", "name", "pk")),
    }


def instruction_unit_choices(source: QuerySet) -> list[Organization]:
    return list(
        Organization.objects.filter(pk__in=source.order_by().values("assignee_unit")).order_by("path")
    )


def consultation_unit_choices(source: QuerySet) -> list[Organization]:
    through = Consultation.participating_units.through
    ids = through.objects.filter(consultation__in=source.order_by().values("pk")).values("organization")
    return list(
        Organization.objects.filter(Q(pk__in=ids) | Q(pk__in=source.order_by().values("lead_unit"))).order_by("path")
    )


# ---------------------------------------------------------------- details
def dispatch_detail(*, user, pk) -> Dispatch:
    return (
        visible_dispatches(user)
        .select_related("project", "project__dispatch_chief", "branch", "created_by")
        .get(pk=pk)
    )


def dispatch_instructions(dispatch: Dispatch) -> QuerySet[Instruction]:
    return dispatch.instructions.select_related("assignee_unit", "assignee_user").order_by("deadline", "id")


def instruction_detail(*, user, pk) -> Instruction:
    return (
        visible_instructions(user)
        .select_related(
            "project", "project__dispatch_chief", "branch", "dispatch", "assignee_unit", "assignee_user",
            "created_by", "verified_by",
        )
        .get(pk=pk)
    )


def consultation_detail(*, user, pk) -> Consultation:
    return (
        visible_consultations(user)
        .select_related("branch", "project", "lead_unit", "created_by")
        .prefetch_related("participating_units")
        .get(pk=pk)
    )


def consultation_resolutions(consultation: Consultation, *, user) -> list[Resolution]:
    """The resolutions of ``consultation``; a liaison who sees the consultation only through
    their unit's resolutions sees those alone."""
    qs = consultation.resolutions.select_related("owner_unit", "signed_off_by", "verified_by").order_by(
        "deadline", "id"
    )
    if not visible_branches(user).filter(pk=consultation.branch_id).exists():
        qs = qs.filter(owner_unit_id=liaison_unit_id(user))
    return list(qs)


def resolution_detail(*, user, pk) -> Resolution:
    return visible_resolutions(user).select_related("consultation", "consultation__branch", "owner_unit").get(pk=pk)


# ---------------------------------------------------------------- choices for forms
def instruction_unit_candidates(project: Project) -> QuerySet[Organization]:
    """Units an instruction of ``project`` may go to: the project's and its branch's lead and
    responsible units."""
    through_p = Project.responsible_units.through
    through_b = Branch.responsible_units.through
    return Organization.objects.filter(
        Q(pk=project.lead_unit_id)
        | Q(pk=project.branch.lead_unit_id)
        | Q(pk__in=through_p.objects.filter(project_id=project.pk).values("organization_id"))
        | Q(pk__in=through_b.objects.filter(branch_id=project.branch_id).values("organization_id"))
    ).order_by("path")


def instruction_person_candidates(project: Project) -> QuerySet[User]:
    """People an instruction of ``project`` may go to: serving members of its branch with a
    login, and the liaisons of its units."""
    members = Membership.objects.filter(branch_id=project.branch_id, left_on__isnull=True, person__user__isnull=False)
    units = instruction_unit_candidates(project).values("pk")
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(pk__in=members.values("person__user"))
            | Q(organization__in=units, groups__name=Role.UNIT_LIAISON)
        )
        .distinct()
        .select_related("organization")
        .order_by("organization__path", "full_name", "username")
    )


def consultation_unit_candidates(branch: Branch, project: Project | None = None) -> QuerySet[Organization]:
    through_b = Branch.responsible_units.through
    rules = Q(pk=branch.lead_unit_id) | Q(pk__in=through_b.objects.filter(branch_id=branch.pk).values("organization_id"))
    if project is not None:
        through_p = Project.responsible_units.through
        rules |= Q(pk=project.lead_unit_id) | Q(
            pk__in=through_p.objects.filter(project_id=project.pk).values("organization_id")
        )
    return Organization.objects.filter(rules).order_by("path")


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

    problem_overdue = Q(deadline__lt=today) & ~Q(status__in=(ProblemStatus.RESOLVED, ProblemStatus.CLOSED))
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


# ---------------------------------------------------------------- buttons on detail pages
def instruction_actions(instruction, user) -> dict[str, bool]:
    """Which actions ``user`` may take on ``instruction`` now."""
    from .models.dispatch import INSTRUCTION_TRANSITIONS

    manage = can_run_dispatch(user, instruction.project)
    assignee = is_instruction_assignee(user, instruction)
    allowed = INSTRUCTION_TRANSITIONS[instruction.status]
    return {
        "acknowledge": assignee and InstructionStatus.ACKNOWLEDGED in allowed,
        "done": assignee and InstructionStatus.DONE in allowed,
        "verify": manage and InstructionStatus.VERIFIED in allowed,
        "return": manage and InstructionStatus.RETURNED in allowed,
    }


def resolution_actions(resolution, *, rights: tuple[int | None, bool], manage: bool) -> dict[str, bool]:
    """Which actions are open on ``resolution`` to someone with ``rights`` (``unit_rights``) who
    convenes the consultation (``manage``) or not."""
    from .models.consultation import RESOLUTION_TRANSITIONS

    unit, on_behalf = rights
    acts = on_behalf or (unit is not None and unit == resolution.owner_unit_id)
    allowed = RESOLUTION_TRANSITIONS[resolution.status]
    return {
        "sign_off": acts and ResolutionStatus.SIGNED_OFF in allowed,
        "done": acts and ResolutionStatus.DONE in allowed,
        "verify": manage and ResolutionStatus.VERIFIED in allowed,
        "return": manage and ResolutionStatus.RETURNED in allowed,
    }
