"""Reads of the "what": which projects a user may see, and what each page shows.

Three querysets decide access: ``visible_projects`` (read), ``editable_projects`` (record
readings, mark milestones done: staff in jurisdiction, the branch's secretary, the 调度长) and
``manageable_projects`` (create, edit, move status, appoint the 调度长, add indicators and
milestones: department staff in jurisdiction only). Leaders are in none but the first.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from branches.models import Branch, Organization, User, WorkField
from branches.selectors import (
    branch_batches,
    can_write_jurisdiction,
    editable_branches,
    holds_any,
    jurisdiction_path,
    register_holding,
    visible_branches,
)
from core.queries import union_of_ids
from projects import lights
from projects.models import (
    PROJECT_TRANSITIONS,
    Indicator,
    IndicatorReading,
    Milestone,
    Project,
    ProjectStatus,
    ProjectUserObjectPermission,
)

PROJECT_LIST_FILTERS = ("branch", "front", "field", "status", "light", "lead_unit", "dispatch_chief")


def _granted(user, codename: str):
    return ProjectUserObjectPermission.objects.filter(
        user=user, permission__codename=codename, content_object=OuterRef("pk")
    )


# ---------------------------------------------------------------- access
def _project_grants(codename: str):
    return lambda user: ProjectUserObjectPermission.objects.filter(user=user, permission__codename=codename)


register_holding("view_project", _project_grants("view_project"))
register_holding("change_project", _project_grants("change_project"))


def visible_projects(user) -> QuerySet[Project]:
    """Projects of the branches ``user`` sees, plus those granted to them (their 调度长)."""
    if not user.is_authenticated:
        return Project.objects.none()
    if user.is_superuser:
        return Project.objects.all()
    branches = visible_branches(user)
    # An office user's rule stays one indexed subtree match unless they hold project grants
    # (branches.selectors.holds_any); everyone else is granted the projects they dispatch, as
    # one UNION of ids (see visible_branches for why not an OR).
    if jurisdiction_path(user) is None or holds_any(user, "view_project"):
        granted = ProjectUserObjectPermission.objects.filter(user=user, permission__codename="view_project")
        ids = [Project.objects.filter(branch__in=branches).values("pk"), granted.values("content_object_id")]
        return Project.objects.filter(pk__in=union_of_ids(ids))
    return Project.objects.filter(branch__in=branches)


def editable_projects(user) -> QuerySet[Project]:
    """Projects whose figures ``user`` may record: staff in jurisdiction, the branch's
    secretary, the 调度长."""
    if not user.is_authenticated:
        return Project.objects.none()
    if user.is_superuser:
        return Project.objects.all()
    rules = Q(branch__in=editable_branches(user))
    if jurisdiction_path(user) is None or holds_any(user, "change_project"):
        rules |= Q(Exists(_granted(user, "change_project")))
    return Project.objects.filter(rules)


def manageable_projects(user) -> QuerySet[Project]:
    """Projects ``user`` may set up and steer: department staff in their jurisdiction."""
    if not can_write_jurisdiction(user):
        return Project.objects.none()
    path = jurisdiction_path(user)
    if path is None:
        return Project.objects.none()
    return Project.objects.filter(branch__supervising_committee__path__startswith=path)


def can_create_projects(user) -> bool:
    return can_write_jurisdiction(user) and jurisdiction_path(user) is not None


def project_branch_choices(user) -> QuerySet[Branch]:
    """Branches ``user`` may attach a new project to: in their jurisdiction and not ended."""
    if not can_create_projects(user):
        return Branch.objects.none()
    return (
        Branch.objects.filter(supervising_committee__path__startswith=jurisdiction_path(user))
        .not_ended()
        .order_by("batch", "name", "pk")
    )


def dispatch_chief_candidates(user) -> QuerySet[User]:
    """Who ``user`` may appoint 调度长: active logins in their jurisdiction."""
    path = jurisdiction_path(user)
    if path is None or not can_write_jurisdiction(user):
        return User.objects.none()
    qs = User.objects.filter(is_active=True)
    if path:
        qs = qs.filter(organization__path__startswith=path)
    return qs.select_related("organization").order_by("organization__path", "full_name", "username")


def unit_choices(user) -> QuerySet[Organization]:
    """Lead and responsible units a project of ``user``'s may name."""
    path = jurisdiction_path(user)
    if path is None:
        return Organization.objects.none()
    return Organization.objects.filter(path__startswith=path, is_active=True).order_by("path")


# ---------------------------------------------------------------- the list
def project_list(*, user, filters: dict | None = None, search: str = "") -> QuerySet[Project]:
    """The project list page and its export: visible projects, filtered, with what a row shows."""
    qs = visible_projects(user)
    filters = filters or {}
    for key in PROJECT_LIST_FILTERS:
        value = filters.get(key)
        if value not in (None, ""):
            qs = qs.filter(**{key: value})
    batch = filters.get("batch")
    if batch not in (None, ""):
        qs = qs.filter(branch__batch=batch)
    if search:
        qs = qs.filter(
            Q(name__icontains=search)
            | Q(goal__icontains=search)
            | Q(branch__name__icontains=search)
            | Q(lead_unit__name__icontains=search)
        )
    return qs.select_related("branch", "field", "lead_unit", "dispatch_chief").order_by("deadline", "name", "pk")


def project_filter_choices(user) -> dict:
    """Choices of the list's filters that depend on the data, among the projects ``user`` sees:
    batches (a list, one query) and lazy querysets (one query each when the form reads them)."""
    visible = visible_projects(user).order_by()
    return {
        # Of the branches they see, not of their projects: the same offer, read from 10,000
        # branches instead of 50,000 projects at province scale (issue 14).
        "batches": branch_batches(user),
        "branches": Branch.objects.filter(pk__in=visible.values("branch")).order_by("batch", "name"),
        "fields": WorkField.objects.filter(pk__in=visible.values("field")).order_by("sort_order", "name"),
        "lead_units": Organization.objects.filter(pk__in=visible.values("lead_unit")).order_by("path"),
        "dispatch_chiefs": User.objects.filter(pk__in=visible.values("dispatch_chief")).order_by("full_name", "username"),
    }


# ---------------------------------------------------------------- the detail page
def project_detail(*, user, pk) -> Project:
    """The project with what its page shows; raises Project.DoesNotExist outside reach."""
    return (
        visible_projects(user)
        .select_related(
            "branch", "field", "lead_unit", "dispatch_chief", "dispatch_chief__organization",
            "branch__supervising_committee", "created_by",
        )
        .prefetch_related(
            "responsible_units",
            Prefetch("indicators", queryset=Indicator.objects.order_by("id")),
            Prefetch("milestones", queryset=Milestone.objects.order_by("due_on", "id")),
        )
        .get(pk=pk)
    )


def light_inputs(project: Project, indicators, milestones, readings_by_indicator: dict) -> dict:
    """The keyword arguments of ``lights.compute_light`` for ``project`` from rows already loaded."""
    return {
        "start": project.start_on,
        "deadline": project.deadline,
        "indicators": [
            lights.IndicatorFigures(
                baseline=i.baseline,
                target=i.target,
                current=i.current_value,
                weight=i.weight,
                readings=tuple(readings_by_indicator.get(i.pk, ())),
            )
            for i in indicators
        ],
        "milestones": [lights.MilestoneFigures(due_on=m.due_on, done_on=m.done_on) for m in milestones],
    }


LIGHT_REASON_TEXT = {
    lights.PAST_DEADLINE: lambda r: _("The deadline has passed and the project is not done."),
    lights.GAP_RED: lambda r: _("Progress is more than %(n)s points behind the plan for the date of the latest figures.")
    % {"n": int(lights.RED_GAP * 100)},
    lights.MILESTONE_RED: lambda r: _("A milestone is %(days)s days overdue (more than %(n)s).")
    % {"days": r.worst_overdue_days, "n": lights.RED_MILESTONE_DAYS},
    lights.NO_PROGRESS_RED: lambda r: _("No indicator has moved for %(days)s days (more than %(n)s).")
    % {"days": r.days_without_progress, "n": lights.NO_PROGRESS_RED_DAYS},
    lights.GAP_YELLOW: lambda r: _("Progress is more than %(n)s points behind the plan for the date of the latest figures.")
    % {"n": int(lights.YELLOW_GAP * 100)},
    lights.MILESTONE_YELLOW: lambda r: _("A milestone is %(days)s days overdue.") % {"days": r.worst_overdue_days},
    lights.FORECAST_YELLOW: lambda r: _(
        "At the recent pace the project would be %(short)s points short of its targets at the deadline (more than %(n)s)."
    )
    % {"short": points_text(1 - r.projected), "n": int(lights.YELLOW_GAP * 100)},
}


def points_text(share) -> str:
    """A 0…1 share as points of 100 for a sentence: "8.9", "10"."""
    value = round(float(share) * 100, 1)
    return str(int(value)) if value == int(value) else str(value)


def light_reasons(result: lights.LightResult) -> list[str]:
    return [LIGHT_REASON_TEXT[code](result) for code in result.reasons]


@dataclass
class IndicatorPanel:
    indicator: Indicator
    readings: list  # IndicatorReading rows, newest first
    progress: object  # Decimal 0…1
    forecast_on: datetime.date | None
    outlook: lights.IndicatorOutlook | None = None  # its forecast state and evidence


@dataclass
class HistoryEntry:
    when: datetime.datetime
    who: str
    action: str
    subject: str
    reason: str = ""
    changes: list = field(default_factory=list)  # (field label, old, new)


@dataclass
class ProjectPage:
    project: Project
    result: lights.LightResult
    reasons: list
    panels: list
    milestones: list
    chart: list  # what static/js/projects.js draws, passed with json_script
    history: list
    today: datetime.date


def project_page(project: Project, *, today: datetime.date | None = None, history_limit: int = 50) -> ProjectPage:
    """Everything the detail page shows, from the prefetched project plus a fixed number of
    queries (readings, history) whatever the number of indicators and readings."""
    today = today or timezone.localdate()
    indicators = list(project.indicators.all())
    milestones = list(project.milestones.all())
    rows = list(
        IndicatorReading.objects.filter(indicator__project=project)
        .select_related("recorded_by")
        .order_by("recorded_on", "id")
    )
    by_indicator: dict[int, list] = {i.pk: [] for i in indicators}
    for row in rows:
        by_indicator.setdefault(row.indicator_id, []).append(row)
    series = {pk: [(r.recorded_on, r.value) for r in readings] for pk, readings in by_indicator.items()}
    inputs = light_inputs(project, indicators, milestones, series)
    result = lights.compute_light(today=today, **inputs)
    panels, chart = [], []
    for indicator, figures in zip(indicators, inputs["indicators"], strict=True):
        outlook = lights.indicator_outlook(figures, today, start=project.start_on, deadline=project.deadline)
        forecast = outlook.on
        panels.append(
            IndicatorPanel(
                indicator=indicator,
                readings=list(reversed(by_indicator[indicator.pk])),
                progress=outlook.progress,
                forecast_on=forecast,
                outlook=outlook,
            )
        )
        chart.append(
            {
                "id": indicator.pk,
                "name": indicator.name,
                "unit": indicator.unit,
                "baseline": float(indicator.baseline),
                "target": float(indicator.target),
                "start": project.start_on.isoformat(),
                "deadline": project.deadline.isoformat(),
                "today": today.isoformat(),
                "readings": [[on.isoformat(), float(value)] for on, value in series[indicator.pk]],
                "forecast": forecast.isoformat() if outlook.state == lights.FORECAST_DATED else None,
            }
        )
    return ProjectPage(
        project=project,
        result=result,
        reasons=light_reasons(result),
        panels=panels,
        milestones=[(m, m.overdue_days(today)) for m in milestones],
        chart=chart,
        history=project_history(project, indicators=indicators, limit=history_limit),
        today=today,
    )


# ---------------------------------------------------------------- history
# Columns that change on every refresh or say nothing to a reader.
_HISTORY_SKIP = {
    "id", "created_at", "updated_at", "created_by", "light", "progress", "forecast_on", "forecast_state", "light_computed_at",
    "project", "recorded_at",
}


def number_text(value: Decimal) -> str:
    """225.00 → "225", 12.50 → "12.5" (never "2.25E+2")."""
    return f"{value.normalize():f}"


def _display(model_field, value, names) -> str:
    if value is None or value == "":
        return "—"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if model_field.is_relation:
        return names.get((model_field.related_model, value), f"#{value}")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return number_text(value)
    return Truncator(str(value)).chars(60)


def project_history(project: Project, *, indicators=None, limit: int = 50) -> list[HistoryEntry]:
    """Who changed what in ``project``, its indicators, readings and milestones, newest first.

    One query per history table plus one per kind of record named in a change (users,
    organizations, fields), never one per row."""
    indicators = list(project.indicators.all()) if indicators is None else indicators
    indicator_names = {i.pk: i.name for i in indicators}
    actions = {"+": _("created"), "~": _("changed"), "-": _("deleted")}
    tables = [
        (Project, Project.history.filter(id=project.pk), lambda r: _("Project")),
        (
            Indicator,
            Indicator.history.filter(project_id=project.pk),
            lambda r: f"{Indicator._meta.verbose_name} · {r.name}",
        ),
        (
            IndicatorReading,
            IndicatorReading.history.filter(indicator_id__in=list(indicator_names)),
            lambda r: f"{IndicatorReading._meta.verbose_name} · {indicator_names.get(r.indicator_id, '')}"
            f" · {number_text(r.value)} @ {r.recorded_on}",
        ),
        (
            Milestone,
            Milestone.history.filter(project_id=project.pk),
            lambda r: f"{Milestone._meta.verbose_name} · {r.name}",
        ),
    ]
    pending, wanted = [], {}
    for model, qs, subject_of in tables:
        tracked = [f for f in model._meta.concrete_fields if f.name not in _HISTORY_SKIP]
        rows = list(qs.select_related("history_user").order_by("-history_date", "-history_id")[:limit])
        rows.sort(key=lambda r: (r.history_date, r.history_id))
        previous = {}
        for row in rows:
            before = previous.get(row.id)
            previous[row.id] = row
            changes = []
            if row.history_type == "~" and before is not None:
                for f in tracked:
                    old, new = getattr(before, f.attname), getattr(row, f.attname)
                    if old != new:
                        changes.append((f, old, new))
                        if f.is_relation:
                            wanted.setdefault(f.related_model, set()).update(v for v in (old, new) if v is not None)
                if not changes and not row.history_change_reason:
                    continue  # a save a reader would not notice (e.g. only the light was refreshed)
            pending.append((row, changes, subject_of(row)))
    names = {}
    for related_model, ids in wanted.items():
        for pk, obj in related_model._default_manager.in_bulk(list(ids)).items():
            names[(related_model, pk)] = str(obj)
    entries = [
        HistoryEntry(
            when=row.history_date,
            who=row.history_user.get_full_name() if row.history_user else _("system"),
            action=actions.get(row.history_type, row.history_type),
            subject=subject,
            reason=row.history_change_reason or "",
            changes=[(str(f.verbose_name), _display(f, old, names), _display(f, new, names)) for f, old, new in changes],
        )
        for row, changes, subject in pending
    ]
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit]


def project_status_choices(project: Project) -> list[tuple[str, str]]:
    """The statuses ``project`` may move to next (value, label)."""
    return [(s, ProjectStatus(s).label) for s in ProjectStatus.values if s in PROJECT_TRANSITIONS[project.status]]
