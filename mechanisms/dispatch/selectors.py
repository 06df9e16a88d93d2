"""Reads of 推进调度: which dispatch sessions and instructions a user may see (those of the
branches they see, and what is assigned to them or their unit), who may act, the pre-filled
agenda, the lists and the detail."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from branches.models import Branch, Membership, Organization, User
from branches.roles import Role
from branches.selectors import (
    can_write_jurisdiction,
    has_role,
    holds_any,
    jurisdiction_path,
    register_holding,
    visible_branches,
)
from mechanisms.common.selectors import _count, liaison_unit_id
from mechanisms.dispatch.models import (
    INSTRUCTION_AWAITING_ASSIGNEE,
    INSTRUCTION_OPEN,
    INSTRUCTION_TRANSITIONS,
    Dispatch,
    Instruction,
    InstructionStatus,
)
from mechanisms.dispatch.tickets import TICKET_COLOURS, TicketThresholds, overdue_days, ticket_colour_q
from mechanisms.problems.models import ProblemCase, ProblemSeverity, ProblemStatus
from projects import lights
from projects.models import CADENCE_DAYS, LIGHT_SEVERITY, IndicatorReading, Project
from projects.models import next_dispatch_due as projects_next_dispatch_due

register_holding("instruction_assignee", lambda user: Instruction.objects.filter(assignee_user=user))


def visible_dispatches(user) -> QuerySet[Dispatch]:
    return Dispatch.objects.filter(branch__in=visible_branches(user))


def visible_instructions(user) -> QuerySet[Instruction]:
    if not user.is_authenticated:
        return Instruction.objects.none()
    rules = Q(branch__in=visible_branches(user))
    if jurisdiction_path(user) is None or holds_any(user, "instruction_assignee"):
        rules |= Q(assignee_user=user)
    unit = liaison_unit_id(user)
    if unit:
        rules |= Q(assignee_unit_id=unit)
    return Instruction.objects.filter(rules)


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


def is_instruction_assignee(user, instruction) -> bool:
    """Acknowledge and report done: the person assigned, or a liaison of the unit assigned."""
    if not user.is_authenticated:
        return False
    if instruction.assignee_user_id and instruction.assignee_user_id == user.pk:
        return True
    unit = liaison_unit_id(user)
    return bool(unit and instruction.assignee_unit_id == unit)


def overdue_instructions_q(today: datetime.date) -> Q:
    return Q(status__in=INSTRUCTION_AWAITING_ASSIGNEE, deadline__lt=today)


# ---------------------------------------------------------------- the agenda of a session
AGENDA_INDICATOR, AGENDA_MILESTONE, AGENDA_INSTRUCTION, AGENDA_PROBLEM = "indicator", "milestone", "instruction", "problem"


AGENDA_KINDS = (AGENDA_INDICATOR, AGENDA_MILESTONE, AGENDA_INSTRUCTION, AGENDA_PROBLEM)


OPEN_PROBLEM_EXCLUDED = (ProblemStatus.CLOSED,)


def indicator_light(indicator, *, start, deadline, today) -> tuple[str, Decimal, Decimal]:
    """(light, progress, elapsed) of one indicator by the project light's own rule
    (projects.lights.compute_light with this indicator alone and its readings): one rule, so an
    indicator on plan between its readings is not red on the agenda either. The indicator's
    ``readings`` should be prefetched in date order."""
    figures = lights.IndicatorFigures(
        baseline=indicator.baseline,
        target=indicator.target,
        current=indicator.current_value,
        weight=indicator.weight,
        readings=tuple((r.recorded_on, r.value) for r in indicator.readings.all()),
    )
    result = lights.compute_light(start=start, deadline=deadline, today=today, indicators=[figures], milestones=[])
    return result.light, result.progress, result.elapsed


def _person(user) -> str:
    return user.get_full_name() if user else ""


def dispatch_agenda(project: Project, today: datetime.date) -> list[dict]:
    """What needs a decision at a dispatch session of ``project`` on ``today`` (five queries):

    * indicators whose progress trails the time elapsed (red first, then yellow);
    * milestones not done that are overdue or due within the next cadence period;
    * instructions of the project past their deadline and still awaiting the assignee;
    * problems of the project not yet closed.

    Items are plain JSON (ids, names, ISO dates, decimals as strings) so the list can be kept
    as the session's record and shown in any language later."""
    items: list[dict] = []
    indicator_rows = []
    readings = IndicatorReading.objects.order_by("recorded_on", "id")
    for indicator in project.indicators.order_by("id").prefetch_related(Prefetch("readings", queryset=readings)):
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


def instruction_unit_choices(source: QuerySet) -> QuerySet[Organization]:
    return Organization.objects.filter(pk__in=source.order_by().values("assignee_unit")).order_by("path")


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


# ---------------------------------------------------------------- buttons on detail pages
def instruction_actions(instruction, user) -> dict[str, bool]:
    """Which actions ``user`` may take on ``instruction`` now."""

    manage = can_run_dispatch(user, instruction.project)
    assignee = is_instruction_assignee(user, instruction)
    allowed = INSTRUCTION_TRANSITIONS[instruction.status]
    return {
        "acknowledge": assignee and InstructionStatus.ACKNOWLEDGED in allowed,
        "done": assignee and InstructionStatus.DONE in allowed,
        "verify": manage and InstructionStatus.VERIFIED in allowed,
        "return": manage and InstructionStatus.RETURNED in allowed,
    }


# ---------------------------------------------------------------- the minutes (会议纪要)
@dataclass
class IndicatorOnDay:
    name: str
    unit: str
    baseline: Decimal
    target: Decimal
    value: Decimal
    light: str
    progress: Decimal  # share of the way from baseline to target
    elapsed: Decimal  # share of the project's time gone that day


@dataclass
class MinutesFacts:
    """What the minutes of a recorded session say, read from the records."""

    dispatch: Dispatch
    chair: str
    light: str
    progress: Decimal
    elapsed: Decimal
    forecast_on: datetime.date | None
    indicators: list[IndicatorOnDay]
    sections: list[AgendaSection]
    instructions: list[Instruction]


def _value_on(indicator, readings) -> Decimal:
    """An indicator's value on the session day: its last reading up to that day; the baseline when
    every reading came later; its current value when it has no readings at all (set directly)."""
    if readings:
        return readings[-1].value
    if indicator.has_later_readings:
        return indicator.baseline
    return indicator.current_value


def dispatch_minutes_facts(dispatch: Dispatch) -> MinutesFacts:
    """The facts of the minutes of ``dispatch`` (four queries):

    * the project's light, progress and forecast **on the day the session was held**, by the
      project light's own rule (projects.lights.compute_light) over the indicators the project
      had then (created by the recording, or read by that day) with each one's last reading up
      to that day, and the milestones, counted done if done by then;
    * each indicator's figures that day, by the same rule;
    * the agenda **as it was recorded** (the session's stored agenda);
    * the instructions issued from the session, with unit, person and deadline."""
    project = dispatch.project
    day = dispatch.held_on
    upto = IndicatorReading.objects.filter(recorded_on__lte=day).order_by("recorded_on", "id")
    later = IndicatorReading.objects.filter(indicator=OuterRef("pk"), recorded_on__gt=day)
    # An indicator was on the table if it existed when the session was recorded or has a reading
    # by the session day (records entered afterwards with their own dates, as the demo's are).
    known = Q(created_at__lte=dispatch.recorded_at) if dispatch.recorded_at else Q()
    known |= Q(Exists(IndicatorReading.objects.filter(indicator=OuterRef("pk"), recorded_on__lte=day)))
    indicators = list(
        project.indicators.filter(known)
        .annotate(has_later_readings=Exists(later))
        .order_by("id")
        .prefetch_related(Prefetch("readings", queryset=upto, to_attr="readings_upto"))
    )
    figures, rows = [], []
    for indicator in indicators:
        value = _value_on(indicator, indicator.readings_upto)
        one = lights.IndicatorFigures(
            baseline=indicator.baseline, target=indicator.target, current=value, weight=indicator.weight,
            readings=tuple((r.recorded_on, r.value) for r in indicator.readings_upto),
        )
        figures.append(one)
        result = lights.compute_light(start=project.start_on, deadline=project.deadline, today=day,
                                      indicators=[one], milestones=[])
        rows.append(IndicatorOnDay(
            name=indicator.name, unit=indicator.unit, baseline=indicator.baseline, target=indicator.target,
            value=value, light=result.light, progress=result.progress, elapsed=result.elapsed,
        ))
    milestones = [
        lights.MilestoneFigures(due_on=m.due_on, done_on=m.done_on if m.done_on and m.done_on <= day else None)
        for m in project.milestones.order_by("due_on", "id")  # the plan's dates, whenever entered
    ]
    overall = lights.compute_light(start=project.start_on, deadline=project.deadline, today=day,
                                   indicators=figures, milestones=milestones)
    chief = project.dispatch_chief
    return MinutesFacts(
        dispatch=dispatch,
        chair=(chief.get_full_name() or chief.username) if chief else "",
        light=overall.light,
        progress=overall.progress,
        elapsed=overall.elapsed,
        forecast_on=overall.forecast_on,
        indicators=rows,
        sections=agenda_sections(dispatch.agenda),
        instructions=list(dispatch_instructions(dispatch)),
    )
