"""Admin pages of the projects app. Non-superusers see only what the visibility selectors give
them; saves go through the light refresh so the stored light never lags an admin edit."""

from django.contrib import admin

from branches.roles import Role
from branches.selectors import has_role
from core.admin import OutOfReachIs404, VisibleOnlyAdmin
from projects import selectors, services
from projects.models import Indicator, IndicatorReading, Milestone, Project, ProjectUserObjectPermission


class _ProjectAdmin(VisibleOnlyAdmin):
    """Rows reach a non-superuser only through ``visible_projects`` (from the row's project)."""

    visible = staticmethod(selectors.visible_projects)
    visible_path = "project"


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0
    fields = ["name", "unit", "baseline", "target", "current_value", "weight"]
    readonly_fields = ["current_value"]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    fields = ["name", "due_on", "done_on"]


@admin.register(Project)
class ProjectAdmin(_ProjectAdmin):
    visible_path = ""
    list_display = ["name", "branch", "status", "light", "progress", "deadline", "dispatch_chief"]
    list_filter = ["status", "light", "front", "dispatch_cadence"]
    search_fields = ["name", "goal", "branch__name"]
    date_hierarchy = "deadline"
    list_select_related = ["branch", "dispatch_chief"]
    raw_id_fields = ["branch", "lead_unit", "responsible_units"]
    readonly_fields = ["light", "progress", "forecast_on", "light_computed_at", "dispatch_chief", "status", "created_by"]
    inlines = [IndicatorInline, MilestoneInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.project_refresh_light(project=form.instance)


@admin.register(Indicator)
class IndicatorAdmin(_ProjectAdmin):
    list_display = ["name", "project", "baseline", "target", "current_value", "unit", "weight"]
    search_fields = ["name", "project__name"]
    list_select_related = ["project"]
    raw_id_fields = ["project"]
    # The current value follows the latest reading (projects.services.indicator_record_reading).
    readonly_fields = ["current_value"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.project_refresh_light(project=obj.project)


@admin.register(IndicatorReading)
class IndicatorReadingAdmin(_ProjectAdmin):
    """Readings are recorded on the project page (the service keeps the current value and the
    light); here they are read-only."""

    visible_path = "indicator__project"
    list_display = ["indicator", "value", "recorded_on", "recorded_by", "source"]
    list_filter = ["source"]
    date_hierarchy = "recorded_on"
    search_fields = ["indicator__name", "indicator__project__name", "note"]
    list_select_related = ["indicator", "recorded_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Milestone)
class MilestoneAdmin(_ProjectAdmin):
    list_display = ["name", "project", "due_on", "done_on"]
    list_filter = ["done_on"]
    date_hierarchy = "due_on"
    search_fields = ["name", "project__name"]
    list_select_related = ["project"]
    raw_id_fields = ["project"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.project_refresh_light(project=obj.project)


@admin.register(ProjectUserObjectPermission)
class ProjectUserObjectPermissionAdmin(OutOfReachIs404, admin.ModelAdmin):
    """Grants follow appointments (projects.services.project_assign_dispatch_chief); read-only here.
    The security administrator reads every grant (branches.roles), as the branch grants."""

    list_display = ["content_object", "user", "permission"]
    list_select_related = ["content_object", "user", "permission"]
    search_fields = ["content_object__name", "user__username", "user__full_name"]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser or has_role(request.user, Role.SECURITY_ADMIN):
            return qs
        return qs.filter(content_object__in=selectors.visible_projects(request.user).values("pk"))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
