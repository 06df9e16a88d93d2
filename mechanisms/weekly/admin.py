"""Admin pages of the weekly report (imported by mechanisms/admin.py).

Non-superusers see only the rows the visibility selectors give them."""

from django.contrib import admin

from core.admin import VisibleOnlyAdmin
from mechanisms.weekly.models import WeeklyReport, WeeklyReportProblem, WeeklyReportReading
from mechanisms.weekly.selectors import visible_weekly_reports


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
class WeeklyReportAdmin(VisibleOnlyAdmin):
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
