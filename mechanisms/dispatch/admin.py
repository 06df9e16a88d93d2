"""Admin pages of 推进调度 (imported by mechanisms/admin.py).

Non-superusers see only what the visibility selectors give them; states move through the site's
pages, so workflow fields are read-only here."""

from django.contrib import admin

from core.admin import VisibleOnlyAdmin
from mechanisms.dispatch.models import Dispatch, Instruction
from mechanisms.dispatch.selectors import visible_dispatches, visible_instructions


class InstructionInline(admin.TabularInline):
    model = Instruction
    extra = 0
    fields = ("title", "assignee_unit", "assignee_user", "deadline", "status")
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Dispatch)
class DispatchAdmin(VisibleOnlyAdmin):
    visible = visible_dispatches
    list_display = ("project", "held_on", "status", "branch", "created_by", "recorded_at")
    list_filter = ("status", "held_on")
    search_fields = ("project__name", "branch__name", "notes", "attendees")
    date_hierarchy = "held_on"
    raw_id_fields = ("project", "branch", "created_by")
    readonly_fields = ("status", "recorded_at", "agenda", "created_at", "updated_at")
    list_select_related = ("project", "branch", "created_by")
    inlines = [InstructionInline]


@admin.register(Instruction)
class InstructionAdmin(VisibleOnlyAdmin):
    visible = visible_instructions
    list_display = ("title", "project", "assignee_unit", "assignee_user", "issued_on", "deadline", "status")
    list_filter = ("status", "deadline")
    search_fields = ("title", "content", "result", "project__name")
    raw_id_fields = ("dispatch", "project", "branch", "assignee_unit", "assignee_user", "created_by", "verified_by")
    readonly_fields = (
        "status", "acknowledge_alert_on", "acknowledged_at", "done_at", "verified_at", "verified_by",
        "created_at", "updated_at",
    )
    list_select_related = ("project", "assignee_unit", "assignee_user")
