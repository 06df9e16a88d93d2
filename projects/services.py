"""Writes of the "what": projects, the 调度长 appointment and its grants, indicator readings,
milestones, and the stored traffic light that follows them."""

import datetime
from decimal import Decimal

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from branches.models import BRANCH_ENDED_STATUSES, Branch, Light, Membership, MembershipRole
from branches.roles import Role
from core.history import stamp_history
from core.workflow import TransitionError, ensure_transition
from projects.lights import LightResult, compute_light
from projects.models import (
    CLOSED_STATUSES,
    LIGHT_SEVERITY,
    PROJECT_TRANSITIONS,
    Indicator,
    IndicatorReading,
    Milestone,
    Project,
    ProjectStatus,
    ReadingSource,
    next_dispatch_due,
)
from projects.selectors import light_inputs

DISPATCH_CHIEF_PROJECT_PERMS = ("projects.view_project", "projects.change_project")

# Moves that need a reason in the history.
REASON_REQUIRED = {ProjectStatus.CANCELLED, ProjectStatus.SUSPENDED}


# ---------------------------------------------------------------- light and forecast
def project_light_figures(project: Project, *, today: datetime.date | None = None) -> LightResult:
    """Compute (without saving) the light, progress and forecast of ``project``."""
    indicators = list(project.indicators.all())
    readings_by_indicator: dict[int, list] = {i.pk: [] for i in indicators}
    # In the order they were entered: within a date the last one counts, as for current_value.
    readings = IndicatorReading.objects.filter(indicator__project=project).order_by("recorded_on", "id")
    for ind_id, on, value in readings.values_list("indicator_id", "recorded_on", "value"):
        readings_by_indicator.setdefault(ind_id, []).append((on, value))
    inputs = light_inputs(project, indicators, list(project.milestones.all()), readings_by_indicator)
    return compute_light(today=today or timezone.localdate(), **inputs)


def branches_refresh_lights(branch_ids) -> dict[int, str]:
    """Store each branch's light, the worst light of its open projects; returns id → light.

    Locks the branches (in id order, so two refreshes of overlapping sets cannot deadlock) for
    the rest of the caller's transaction: two projects refreshed at once must not each miss the
    other's light. One lock, one read and at most one update per light, however many branches."""
    branch_ids = sorted(set(branch_ids))
    if not branch_ids:
        return {}
    stored = dict(Branch.objects.select_for_update().filter(pk__in=branch_ids).order_by("pk").values_list("pk", "light"))
    lights: dict[int, set] = {pk: set() for pk in stored}
    open_projects = Project.objects.filter(branch_id__in=branch_ids).exclude(status__in=CLOSED_STATUSES)
    for branch_id, light in open_projects.order_by().values_list("branch_id", "light"):
        lights[branch_id].add(light)
    worst = {pk: max(seen, key=lambda light: LIGHT_SEVERITY[light], default=Light.GREEN) for pk, seen in lights.items()}
    moved: dict[str, list[int]] = {}
    for pk, light in worst.items():
        if stored[pk] != light:
            moved.setdefault(light, []).append(pk)
    for light, pks in moved.items():
        Branch.objects.filter(pk__in=pks).update(light=light)
    return worst


@transaction.atomic
def branch_refresh_light(*, branch: Branch) -> str:
    """A branch's light is the worst light of its open projects."""
    worst = branches_refresh_lights([branch.pk]).get(branch.pk, branch.light)
    branch.light = worst
    return worst


def _light_rows(project_ids) -> tuple[dict, dict, dict]:
    """The indicators, readings and milestones of ``project_ids``, by project, in three reads."""
    indicators: dict[int, list] = {pk: [] for pk in project_ids}
    milestones: dict[int, list] = {pk: [] for pk in project_ids}
    readings: dict[int, list] = {}
    for indicator in Indicator.objects.filter(project_id__in=project_ids).order_by("project_id", "id"):
        indicators[indicator.project_id].append(indicator)
    # In the order they were entered: within a date the last one counts, as for current_value.
    rows = IndicatorReading.objects.filter(indicator__project_id__in=project_ids).order_by("recorded_on", "id")
    for ind_id, on, value in rows.values_list("indicator_id", "recorded_on", "value"):
        readings.setdefault(ind_id, []).append((on, value))
    for milestone in Milestone.objects.filter(project_id__in=project_ids).order_by("project_id", "due_on", "id"):
        milestones[milestone.project_id].append(milestone)
    return indicators, readings, milestones


@transaction.atomic
def projects_refresh_lights(projects, *, today: datetime.date | None = None) -> dict[int, tuple[str, str]]:
    """Recompute and store the light of each of ``projects``, then their branches' lights once
    each; returns project id → (old light, new light) so callers can react to a project turning
    red. A fixed number of statements however many projects: three reads of their figures, one
    update of the projects, one lock and refresh of their branches."""
    projects = list({project.pk: project for project in projects}.values())
    if not projects:
        return {}
    today_or_now = today or timezone.localdate()
    now = timezone.now()
    open_ids = [p.pk for p in projects if p.status not in CLOSED_STATUSES]
    indicators, readings, milestones = _light_rows(open_ids) if open_ids else ({}, {}, {})
    moves = {}
    for project in projects:
        old = project.light
        if project.status in CLOSED_STATUSES:
            result_light, progress, forecast = Light.GREEN, project.progress, project.forecast_on
            forecast_state = project.forecast_state
        else:
            inputs = light_inputs(project, indicators[project.pk], milestones[project.pk], readings)
            result = compute_light(today=today_or_now, **inputs)
            result_light, progress, forecast = result.light, result.progress, result.forecast_on
            forecast_state = result.forecast_state
        if result_light != Light.RED:
            red_since = None
        elif old == Light.RED and project.red_since:
            red_since = project.red_since
        else:
            red_since = today_or_now
        project.light, project.progress, project.forecast_on = result_light, progress, forecast
        project.forecast_state = forecast_state
        project.red_since, project.light_computed_at = red_since, now
        moves[project.pk] = (old, result_light)
    columns = ["light", "progress", "forecast_on", "forecast_state", "light_computed_at", "red_since"]
    if len(projects) == 1:
        # One project (what every service changing one project asks): a plain UPDATE. bulk_update
        # builds a CASE per column, which cost four times as much to compile (5 % of the seed).
        Project.objects.filter(pk=projects[0].pk).update(**{c: getattr(projects[0], c) for c in columns})
    else:
        Project.objects.bulk_update(projects, columns)
    worst = branches_refresh_lights(p.branch_id for p in projects)
    for project in projects:
        if Project.branch.is_cached(project) and project.branch_id in worst:
            project.branch.light = worst[project.branch_id]
    return moves


def project_refresh_light(*, project: Project, today: datetime.date | None = None) -> tuple[str, str]:
    """Recompute and store the light; returns (old light, new light) so callers can react to a
    project turning red."""
    return projects_refresh_lights([project], today=today)[project.pk]


def project_schedule_dispatch(*, project: Project, held_on: datetime.date) -> datetime.date:
    """Called when a dispatch session is recorded: the next one is due a cadence after the
    latest session (recording an older session late changes nothing)."""
    if project.last_dispatch_on is None or held_on > project.last_dispatch_on:
        project.last_dispatch_on = held_on
        project.next_dispatch_on = next_dispatch_due(project)
        Project.objects.filter(pk=project.pk).update(
            last_dispatch_on=project.last_dispatch_on, next_dispatch_on=project.next_dispatch_on
        )
    return project.next_dispatch_on


# ---------------------------------------------------------------- projects
def _refuse_if_closed(project: Project, message: str):
    if project.status in CLOSED_STATUSES:
        raise ValidationError(message, code="closed")


@transaction.atomic
def project_create(*, by, branch: Branch, responsible_units=(), dispatch_chief=None, **fields) -> Project:
    # Read the branch's status as it is now, not as the caller loaded it.
    branch = Branch.objects.get(pk=branch.pk)
    if branch.status in BRANCH_ENDED_STATUSES:
        raise ValidationError(_("Projects cannot be added to a branch that has ended."), code="ended")
    project = Project(branch=branch, created_by=by, **fields)
    project.next_dispatch_on = next_dispatch_due(project)
    project.full_clean(exclude=["dispatch_chief"])
    stamp_history(project, by=by)
    project.save()
    if responsible_units:
        project.responsible_units.set(responsible_units)
    if dispatch_chief is not None:
        project_assign_dispatch_chief(project=project, user=dispatch_chief, by=by)
    project_refresh_light(project=project)
    return project


@transaction.atomic
def project_update(*, project: Project, by, responsible_units=None, **fields) -> Project:
    """Change what a project is. Its branch, status and 调度长 have their own services (they move
    grants and follow the transition table), so they are refused here."""
    for name in ("branch", "status", "dispatch_chief"):
        if name in fields:
            raise ValueError(f"project_update cannot change {name}; use its own service.")
    for name, value in fields.items():
        setattr(project, name, value)
    if "dispatch_cadence" in fields or "start_on" in fields:
        project.next_dispatch_on = next_dispatch_due(project)
    project.full_clean(exclude=["dispatch_chief"])
    stamp_history(project, by=by)
    project.save()
    if responsible_units is not None:
        project.responsible_units.set(responsible_units)
    project_refresh_light(project=project)
    return project


def project_allowed_transitions(project: Project) -> list[str]:
    return [s for s in ProjectStatus.values if s in PROJECT_TRANSITIONS[project.status]]


@transaction.atomic
def project_transition(*, project: Project, to: str, by, reason: str = "") -> Project:
    """Move ``project`` to status ``to`` along the transition table; cancelling or suspending
    needs a reason (it is kept in the history)."""
    project = Project.objects.select_for_update(of=("self",)).select_related("branch").get(pk=project.pk)
    if to not in ProjectStatus.values:
        raise TransitionError(_("Unknown status: %(status)s.") % {"status": to}, code="unknown_status")
    ensure_transition(PROJECT_TRANSITIONS, ProjectStatus, project.status, to)
    if to in REASON_REQUIRED and not reason.strip():
        raise TransitionError(
            _("Give a reason for moving the project to %(target)s.") % {"target": ProjectStatus(to).label},
            code="reason_required",
        )
    project.status = to
    stamp_history(project, by=by, reason=reason.strip() or str(ProjectStatus(to).label))
    project.save()
    project_refresh_light(project=project)
    return project


def _still_sees_branch(user, branch, *, except_project) -> bool:
    """Whether ``user`` keeps a reason to hold ``view_branch`` on ``branch`` once they stop being
    the 调度长 of ``except_project``: another project of theirs there, or the secretary's post
    (whose grant is the same permission row)."""
    if Project.objects.filter(branch=branch, dispatch_chief=user).exclude(pk=except_project.pk).exists():
        return True
    return Membership.objects.filter(
        branch=branch, person__user=user, role=MembershipRole.SECRETARY, left_on__isnull=True
    ).exists()


@transaction.atomic
def project_assign_dispatch_chief(*, project: Project, user, by) -> Project:
    """Appoint ``user`` 调度长 of ``project`` (None: nobody); the grants move from the previous
    one, who keeps seeing the branch only through another project of theirs in it."""
    project = Project.objects.select_for_update(of=("self",)).select_related("branch", "dispatch_chief").get(pk=project.pk)
    previous = project.dispatch_chief
    if previous == user:
        return project
    if user is not None and not user.is_active:
        raise ValidationError(_("An inactive login cannot be appointed dispatch chief."), code="inactive")
    if previous is not None:
        for perm in DISPATCH_CHIEF_PROJECT_PERMS:
            remove_perm(perm, previous, project)
        if not _still_sees_branch(previous, project.branch, except_project=project):
            remove_perm("branches.view_branch", previous, project.branch)
        if not Project.objects.filter(dispatch_chief=previous).exclude(pk=project.pk).exists():
            previous.groups.remove(Group.objects.get(name=Role.DISPATCH_CHIEF))
    project.dispatch_chief = user
    stamp_history(project, by=by, reason=_("Dispatch chief appointed") if user else _("Dispatch chief removed"))
    project.save()
    if user is not None:
        for perm in DISPATCH_CHIEF_PROJECT_PERMS:
            assign_perm(perm, user, project)
        # The 调度长 sees the branch their project belongs to.
        assign_perm("branches.view_branch", user, project.branch)
        user.groups.add(Group.objects.get(name=Role.DISPATCH_CHIEF))
    return project


# ---------------------------------------------------------------- indicators and milestones
@transaction.atomic
def indicator_create(*, project: Project, by, **fields) -> Indicator:
    project = Project.objects.select_related("branch").get(pk=project.pk)
    _refuse_if_closed(project, _("Indicators cannot be added to a closed project."))
    fields.setdefault("current_value", fields.get("baseline", Decimal(0)))
    indicator = Indicator(project=project, **fields)
    indicator.full_clean()
    stamp_history(indicator, by=by)
    indicator.save()
    project_refresh_light(project=project)
    return indicator


@transaction.atomic
def indicator_record_reading(
    *,
    indicator: Indicator,
    value: Decimal,
    by,
    recorded_on: datetime.date | None = None,
    note: str = "",
    source: str = ReadingSource.MANUAL,
) -> IndicatorReading:
    """Record a reading; the indicator's current value is its latest reading by date."""
    return indicators_record_readings(
        values=[(indicator, value)], by=by, recorded_on=recorded_on, note=note, source=source
    )[0]


@transaction.atomic
def indicators_record_readings(
    *,
    values,
    by,
    recorded_on: datetime.date | None = None,
    note: str = "",
    source: str = ReadingSource.MANUAL,
) -> list[IndicatorReading]:
    """Record readings of several indicators at once (a weekly report's values): ``values`` is a
    list of (indicator, value); returns the readings in that order.

    Whatever the number of values, a fixed number of statements: one lock of the indicators, the
    readings and their history written in bulk, the current values that move (and their
    history) in bulk, then one light refresh of each project touched and one lock and refresh
    of their branches (``projects_refresh_lights``)."""
    values = list(values)
    if not values:
        return []
    recorded_on = recorded_on or timezone.localdate()
    if recorded_on > timezone.localdate():
        raise ValidationError({"recorded_on": _("A reading cannot be dated in the future.")}, code="future")
    # Lock the indicators (in id order: two reports of one branch at once cannot deadlock): two
    # readings at once must not leave current_value on the older one.
    locked = {
        indicator.pk: indicator
        for indicator in Indicator.objects.select_for_update(of=("self",))
        .select_related("project__branch")
        .filter(pk__in={indicator.pk for indicator, _value in values})
        .order_by("pk")
    }
    readings = []
    for indicator, value in values:
        indicator = locked[indicator.pk]
        _refuse_if_closed(indicator.project, _("Readings cannot be recorded on a closed project."))
        reading = IndicatorReading(
            indicator=indicator, value=value, recorded_on=recorded_on, recorded_by=by, note=note, source=source
        )
        # The indicator and the author are the rows just read: checking that they exist would
        # cost two statements a reading.
        reading.full_clean(exclude=["indicator", "recorded_by"])
        stamp_history(reading, by=by)
        readings.append(reading)
    bulk_create_with_history(readings, IndicatorReading, default_user=by)
    latest = IndicatorReading.objects.filter(indicator=OuterRef("pk")).order_by("-recorded_on", "-id")
    now = timezone.now()
    moved = []
    for pk, value in Indicator.objects.filter(pk__in=list(locked)).annotate(
        latest=Subquery(latest.values("value")[:1])
    ).values_list("pk", "latest"):
        indicator = locked[pk]
        if value is not None and indicator.current_value != value:
            indicator.current_value, indicator.updated_at = value, now
            stamp_history(indicator, by=by)
            moved.append(indicator)
    if moved:
        bulk_update_with_history(moved, Indicator, ["current_value", "updated_at"], default_user=by)
    projects_refresh_lights([indicator.project for indicator in locked.values()])
    return readings


@transaction.atomic
def milestone_create(*, project: Project, by, **fields) -> Milestone:
    project = Project.objects.select_related("branch").get(pk=project.pk)
    _refuse_if_closed(project, _("Milestones cannot be added to a closed project."))
    milestone = Milestone(project=project, **fields)
    milestone.full_clean()
    stamp_history(milestone, by=by)
    milestone.save()
    project_refresh_light(project=project)
    return milestone


@transaction.atomic
def milestone_mark_done(*, milestone: Milestone, by, done_on: datetime.date | None = None) -> Milestone:
    milestone = Milestone.objects.select_for_update(of=("self",)).select_related("project__branch").get(pk=milestone.pk)
    if milestone.done_on is not None:
        raise ValidationError(_("This milestone is already done."), code="already_done")
    _refuse_if_closed(milestone.project, _("Milestones of a closed project cannot be changed."))
    done_on = done_on or timezone.localdate()
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": _("A milestone cannot be done in the future.")}, code="future")
    milestone.done_on = done_on
    stamp_history(milestone, by=by, reason=_("Milestone done"))
    milestone.save()
    project_refresh_light(project=milestone.project)
    return milestone


def projects_refresh_all_lights(*, today: datetime.date | None = None, batch_size: int = 500) -> list[int]:
    """Recompute every open project's light (time passing changes it); returns the ids of
    projects that turned red."""
    turned_red = []
    ids = list(Project.objects.exclude(status__in=CLOSED_STATUSES).values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        for project in Project.objects.filter(pk__in=ids[start : start + batch_size]).select_related("branch"):
            old, new = project_refresh_light(project=project, today=today)
            if new == Light.RED and old != Light.RED:
                turned_red.append(project.pk)
    return turned_red
