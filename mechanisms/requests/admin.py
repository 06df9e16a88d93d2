"""Admin pages of 请示报告 (imported by mechanisms/admin.py).

Non-superusers see only the rows the visibility selectors give them."""

from django.contrib import admin

from core.admin import VisibleOnlyAdmin
from mechanisms.requests.models import DecisionRequest, Report
from mechanisms.requests.selectors import visible_decision_requests, visible_reports


@admin.register(DecisionRequest)
class DecisionRequestAdmin(VisibleOnlyAdmin):
    visible = staticmethod(visible_decision_requests)
    list_display = ("title", "branch", "status", "submitted_at", "reply_due_on", "replied_by")
    list_filter = ("status",)
    search_fields = ("title", "branch__name")
    list_select_related = ("branch", "replied_by")
    raw_id_fields = ("branch", "created_by", "replied_by")
    readonly_fields = ("status", "submitted_at", "reply_due_on", "replied_at", "replied_by", "created_by")
    date_hierarchy = "created_at"


@admin.register(Report)
class ReportAdmin(VisibleOnlyAdmin):
    visible = staticmethod(visible_reports)
    list_display = ("title", "kind", "branch", "status", "submitted_at", "acknowledged_by")
    list_filter = ("kind", "status")
    search_fields = ("title", "branch__name")
    list_select_related = ("branch", "acknowledged_by")
    raw_id_fields = ("branch", "created_by", "acknowledged_by")
    readonly_fields = ("status", "submitted_at", "acknowledged_at", "acknowledged_by", "created_by")
    date_hierarchy = "created_at"
