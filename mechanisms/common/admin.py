"""Admin pages of the shared parts: the working-day calendar (holidays and 调休 days of each
year are edited here) and a user's notifications."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin import OutOfReachIs404
from mechanisms.common.models import CalendarDay, Notification
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


@admin.register(Notification)
class NotificationAdmin(OutOfReachIs404, admin.ModelAdmin):
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
