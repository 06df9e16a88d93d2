"""Reads of the "what": which projects a user may see, and list queries."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from branches.roles import Role
from branches.selectors import can_write_jurisdiction, editable_branches, has_role, visible_branches

from .models import IndicatorReading, Project, ProjectUserObjectPermission


def _granted(user, codename: str):
    return ProjectUserObjectPermission.objects.filter(
        user=user, permission__codename=codename, content_object=OuterRef("pk")
    )


def visible_projects(user) -> QuerySet[Project]:
    """Projects of the branches ``user`` sees, plus those granted to them (their 调度长)."""
    if not user.is_authenticated:
        return Project.objects.none()
    if user.is_superuser:
        return Project.objects.all()
    return Project.objects.filter(Q(branch__in=visible_branches(user)) | Q(Exists(_granted(user, "view_project"))))


def editable_projects(user) -> QuerySet[Project]:
    """Projects ``user`` may change: staff in jurisdiction, the branch's secretary, the 调度长."""
    if not user.is_authenticated:
        return Project.objects.none()
    if user.is_superuser:
        return Project.objects.all()
    return Project.objects.filter(
        Q(branch__in=editable_branches(user)) | Q(Exists(_granted(user, "change_project")))
    )


def can_create_projects(user) -> bool:
    return can_write_jurisdiction(user)


def project_list(*, user, filters: dict | None = None, search: str = "") -> QuerySet[Project]:
    qs = visible_projects(user)
    filters = filters or {}
    for key in ("branch", "front", "field", "status", "light", "lead_unit", "dispatch_chief"):
        value = filters.get(key)
        if value not in (None, ""):
            qs = qs.filter(**{key: value})
    batch = filters.get("batch")
    if batch not in (None, ""):
        qs = qs.filter(branch__batch=batch)
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(goal__icontains=search) | Q(branch__name__icontains=search))
    return qs.select_related("branch", "field", "lead_unit", "dispatch_chief").order_by("deadline", "name", "pk")


def projects_of_dispatch_chief(user) -> QuerySet[Project]:
    if not has_role(user, Role.DISPATCH_CHIEF):
        return Project.objects.none()
    return Project.objects.filter(dispatch_chief=user).select_related("branch", "field")


def project_detail(*, user, pk) -> Project:
    """The project with what its page shows; raises Project.DoesNotExist outside reach."""
    return (
        visible_projects(user)
        .select_related("branch", "field", "lead_unit", "dispatch_chief", "branch__supervising_committee")
        .prefetch_related("responsible_units", "indicators", "milestones")
        .get(pk=pk)
    )


def indicator_series(project: Project) -> dict[int, list[tuple]]:
    """(date, value) readings of each indicator of ``project``, for the burn-up chart: one query."""
    series: dict[int, list[tuple]] = {i.pk: [] for i in project.indicators.all()}
    rows = IndicatorReading.objects.filter(indicator__project=project).order_by("recorded_on", "id")
    for ind_id, on, value in rows.values_list("indicator_id", "recorded_on", "value"):
        series.setdefault(ind_id, []).append((on, value))
    return series

