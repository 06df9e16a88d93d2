"""Admin pages of 推进调度 and 对接会商 (imported by mechanisms/admin.py).

Non-superusers see only what the visibility selectors give them; states move through the
product's pages (services), so status fields are read-only here.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Consultation, Dispatch, Instruction, Resolution
from .selectors import visible_consultations, visible_dispatches, visible_instructions, visible_resolutions


class _VisibleAdmin(SimpleHistoryAdmin):
    visible = None  # the selector of the rows a non-superuser may see

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(pk__in=type(self).visible(request.user).values("pk"))


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
class DispatchAdmin(_VisibleAdmin):
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
class InstructionAdmin(_VisibleAdmin):
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


class ResolutionInline(admin.TabularInline):
    model = Resolution
    extra = 0
    fields = ("content", "owner_unit", "resources", "deadline", "status")
    readonly_fields = ("status",)
    raw_id_fields = ("owner_unit",)


@admin.register(Consultation)
class ConsultationAdmin(_VisibleAdmin):
    visible = visible_consultations
    list_display = ("topic", "branch", "lead_unit", "held_on", "status")
    list_filter = ("status", "held_on")
    search_fields = ("topic", "minutes", "branch__name")
    raw_id_fields = ("branch", "project", "lead_unit", "created_by")
    filter_horizontal = ("participating_units",)
    readonly_fields = ("status", "closed_at", "created_at", "updated_at")
    list_select_related = ("branch", "lead_unit")
    inlines = [ResolutionInline]


@admin.register(Resolution)
class ResolutionAdmin(_VisibleAdmin):
    visible = visible_resolutions
    list_display = ("__str__", "consultation", "owner_unit", "deadline", "status")
    list_filter = ("status", "deadline")
    search_fields = ("content", "resources", "consultation__topic")
    raw_id_fields = ("consultation", "owner_unit", "signed_off_by", "verified_by")
    readonly_fields = ("status", "signed_off_at", "signed_off_by", "done_at", "verified_at", "verified_by")
    list_select_related = ("consultation", "owner_unit")
