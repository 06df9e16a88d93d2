"""Admin page of the export jobs: read-only (jobs are made by exports and written by the worker);
a non-superuser sees only their own, as on the site."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ExportJob


@admin.register(ExportJob)
class ExportJobAdmin(SimpleHistoryAdmin):
    list_display = ("title", "name", "user", "status", "progress", "total", "created_at", "finished_at")
    list_filter = ("status", "name")
    search_fields = ("title", "name", "user__username", "user__full_name")
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in ExportJob._meta.fields]

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("user")
        return qs if request.user.is_superuser else qs.filter(user=request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
