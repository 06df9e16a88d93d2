"""Admin pages of 请示报告, the weekly report and notifications (imported by mechanisms/admin.py).

Non-superusers see only the rows the visibility selectors give them. Statuses move through the
site's pages (the services date them, record readings and notify), so workflow fields are
read-only here.
"""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    DecisionRequest,
    Notification,
    Report,
    WeeklyReport,
    WeeklyReportProblem,
    WeeklyReportReading,
)
from .selectors import user_notifications, visible_decision_requests, visible_reports, visible_weekly_reports


class _VisibleOnly:
    """Rows through the visibility selector; history of a row outside it is a 404."""

    visible = None

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(pk__in=type(self).visible(request.user).values("pk"))

    def history_view(self, request, object_id, extra_context=None):
        if not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
            raise Http404
        return super().history_view(request, object_id, extra_context)


@admin.register(DecisionRequest)
class DecisionRequestAdmin(_VisibleOnly, SimpleHistoryAdmin):
    visible = staticmethod(visible_decision_requests)
    list_display = ("title", "branch", "status", "submitted_at", "reply_due_on", "replied_by")
    list_filter = ("status",)
    search_fields = ("title", "branch__name")
    list_select_related = ("branch", "replied_by")
    raw_id_fields = ("branch", "created_by", "replied_by")
    readonly_fields = ("status", "submitted_at", "reply_due_on", "replied_at", "replied_by", "created_by")
    date_hierarchy = "created_at"


@admin.register(Report)
class ReportAdmin(_VisibleOnly, SimpleHistoryAdmin):
    visible = staticmethod(visible_reports)
    list_display = ("title", "kind", "branch", "status", "submitted_at", "acknowledged_by")
    list_filter = ("kind", "status")
    search_fields = ("title", "branch__name")
    list_select_related = ("branch", "acknowledged_by")
    raw_id_fields = ("branch", "created_by", "acknowledged_by")
    readonly_fields = ("status", "submitted_at", "acknowledged_at", "acknowledged_by", "created_by")
    date_hierarchy = "created_at"


class WeeklyReportReadingInline(admin.TabularInline):
    model = WeeklyReportReading
    extra = 0
    fields = ("indicator", "value", "note", "indicator_reading")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class WeeklyReportProblemInline(admin.TabularInline):
    model = WeeklyReportProblem
    extra = 0
    fields = ("description", "problem_case")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(WeeklyReport)
class WeeklyReportAdmin(_VisibleOnly, SimpleHistoryAdmin):
    visible = staticmethod(visible_weekly_reports)
    list_display = ("branch", "iso_year", "iso_week", "status", "submitted_at", "is_late", "reviewed_by")
    list_filter = ("status", "is_late", "no_significant_change", "iso_year")
    search_fields = ("branch__name",)
    list_select_related = ("branch", "reviewed_by")
    raw_id_fields = ("branch", "created_by", "submitted_by", "reviewed_by")
    readonly_fields = (
        "iso_year", "iso_week", "week_start", "deadline", "status", "submitted_at", "submitted_by", "is_late",
        "reviewed_at", "reviewed_by", "version", "created_by",
    )
    inlines = [WeeklyReportReadingInline, WeeklyReportProblemInline]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """A user's own notifications (superusers see all, to trace a delivery)."""

    list_display = ("title", "recipient", "kind", "created_at", "read_at", "emailed_at")
    list_filter = ("kind",)
    search_fields = ("title", "recipient__username", "recipient__full_name")
    list_select_related = ("recipient",)
    raw_id_fields = ("recipient",)
    readonly_fields = ("created_at", "read_at", "emailed_at")

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs if request.user.is_superuser else qs.filter(pk__in=user_notifications(request.user).values("pk"))
