"""Admin pages of the shared parts: the working-day calendar (holidays and 调休 days of each
year are edited here) and a user's notifications."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin import OutOfReachIs404
from mechanisms.common.models import CalendarDay, Notification, RowChange
from mechanisms.common.selectors import user_notifications


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


class RowChangesAdmin:
    """The admin's history page of a model whose writes the database records (RowChange): its
    rows below the admin's own log. Only past ``get_queryset`` (OutOfReachIs404 comes first)."""

    object_history_template = "admin/row_changes_history.html"

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))  # a 404 outside the user's reach
        rows = RowChange.objects.filter(table=self.model._meta.db_table, row_id=obj.pk).order_by("changed_at", "id")
        return super().history_view(request, object_id, {**(extra_context or {}), "row_changes": rows})


@admin.register(Notification)
class NotificationAdmin(OutOfReachIs404, RowChangesAdmin, admin.ModelAdmin):
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
