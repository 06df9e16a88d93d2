"""Admin pages of the problems mechanism, the working-day calendar, and the comments and
attachments of every mechanism record (imported by mechanisms/admin.py).

Non-superusers see only the rows the visibility selectors give them. A problem's status moves
through the site's pages (the services check who acts and notify), so workflow fields are
read-only here; the calendar is edited here (holidays and 调休 days of each year).
"""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Attachment, CalendarDay, Comment, DeadlineExtension, ProblemAssignment, ProblemCase
from .records import RECORD_TYPES
from .selectors import visible_problems


def _visible_records_q(user, type_field="content_type", id_field="object_id") -> Q:
    """Comments and attachments whose record ``user`` may see (one clause per record type)."""
    rules = Q(pk__in=[])
    for model, visible in RECORD_TYPES.items():
        ct = ContentType.objects.get_for_model(model, for_concrete_model=True)
        rules |= Q(**{type_field: ct, f"{id_field}__in": visible(user).values("pk")})
    return rules


class _HistoryGuard:
    """simple-history shows history rows even for an object outside the queryset: 404 there."""

    def history_view(self, request, object_id, extra_context=None):
        if not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
            raise Http404
        return super().history_view(request, object_id, extra_context)


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
class ProblemCaseAdmin(_HistoryGuard, SimpleHistoryAdmin):
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

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(pk__in=visible_problems(request.user).values("pk"))

    def has_add_permission(self, request):
        # Problems are raised on the site, where the service checks who raises them and tells
        # the secretary.
        return False


@admin.register(CalendarDay)
class CalendarDayAdmin(SimpleHistoryAdmin):
    list_display = ("date", "weekday", "kind", "name", "is_provisional")
    list_filter = ("kind", "is_provisional")
    search_fields = ("name",)
    date_hierarchy = "date"
    ordering = ("date",)

    @admin.display(description=_("weekday"))
    def weekday(self, obj):
        return obj.date.strftime("%a")


@admin.register(Comment)
class CommentAdmin(_HistoryGuard, SimpleHistoryAdmin):
    list_display = ("created_at", "author", "content_type", "object_id", "short_body")
    list_filter = ("content_type",)
    search_fields = ("body",)
    readonly_fields = ("content_type", "object_id", "author", "created_at")
    list_select_related = ("author", "content_type")

    @admin.display(description=_("comment"))
    def short_body(self, obj):
        return obj.body[:60]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(_visible_records_q(request.user))

    def has_add_permission(self, request):
        return False


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ("uploaded_at", "original_name", "record_type", "record_id", "content_type", "uploaded_by")
    list_filter = ("record_type",)
    search_fields = ("original_name",)
    list_select_related = ("uploaded_by", "record_type")

    def get_readonly_fields(self, request, obj=None):
        # Files are checked on upload by the site; here they are only looked at or removed.
        return [f.name for f in self.model._meta.fields]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(_visible_records_q(request.user, "record_type", "record_id"))

    def has_add_permission(self, request):
        return False
