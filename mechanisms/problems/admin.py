"""Admin pages of 问题研判 (imported by mechanisms/admin.py).

Non-superusers see only the rows the visibility selectors give them. A problem's status moves
through the site's pages (the services check who acts and notify), so workflow fields are
read-only here."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import VisibleOnlyAdmin
from mechanisms.problems.models import DeadlineExtension, ProblemAssignment, ProblemCase
from mechanisms.problems.selectors import visible_problems


class ProblemAssignmentInline(admin.TabularInline):
    model = ProblemAssignment
    extra = 0
    fields = ("unit", "due_on", "status", "answer", "answered_at", "answered_by")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class DeadlineExtensionInline(admin.TabularInline):
    model = DeadlineExtension
    extra = 0
    fields = ("requested_by", "previous_deadline", "requested_until", "reason", "status", "decided_by", "decided_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ProblemCase)
class ProblemCaseAdmin(VisibleOnlyAdmin):
    visible = staticmethod(visible_problems)

    list_display = (
        "title", "branch", "category", "severity", "source", "status", "responsible_unit", "deadline", "escalated_at",
    )
    list_filter = ("status", "category", "severity", "source")
    search_fields = ("title", "description", "enterprise_name", "branch__name")
    date_hierarchy = "created_at"
    list_select_related = ("branch", "responsible_unit")
    inlines = [ProblemAssignmentInline, DeadlineExtensionInline]
    raw_id_fields = ("branch", "project", "raised_by_person", "dispatch", "responsible_unit")
    readonly_fields = (
        "status", "analysed_at", "analysed_by", "accept_due_on", "accepted_at", "objected_at", "answer_due_on",
        "resolved_at", "verified_at", "verified_by", "escalated_at", "created_by", "created_at", "updated_at",
    )
    fieldsets = (
        (None, {"fields": ("branch", "project", "title", "description", "category", "severity", "status")}),
        (_("Source"), {"fields": ("source", "raised_by_person", "dispatch", "enterprise_name", "enterprise_contact", "enterprise_phone")}),
        (_("Analysis"), {"fields": ("conclusion", "responsible_unit", "deadline", "analysed_at", "analysed_by", "accept_due_on", "answer_due_on")}),
        (_("Handling"), {"fields": ("accepted_at", "objection", "objected_at", "resolution", "resolved_at", "escalated_at")}),
        (_("Verification"), {"fields": ("verified_at", "verified_by", "verification_note", "satisfaction")}),
        (None, {"fields": ("created_by", "created_at", "updated_at")}),
    )

    def has_add_permission(self, request):
        # Problems are raised on the site, where the service checks who raises them and tells
        # the secretary.
        return False
