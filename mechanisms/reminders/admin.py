"""Admin pages of the reminders (imported by mechanisms/admin.py).

Reminders and deliveries are a log: read-only here (resend from the reminder log page, where it
is recorded with who pressed it). Non-superusers see the rows of the users in their
jurisdiction only; a preference is shown to staff in whose jurisdiction its user sits.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from branches.selectors import visible_users
from core.admin import VisibleOnlyAdmin, VisibleOnlyMixin
from mechanisms.common.admin import RowChangesAdmin
from mechanisms.common.models import NotificationPreference
from mechanisms.reminders.models import Reminder, ReminderDelivery
from mechanisms.reminders.selectors import visible_deliveries, visible_reminders


class _ReadOnly:
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class DeliveryInline(admin.TabularInline):
    model = ReminderDelivery
    extra = 0
    can_delete = False
    fields = ("channel", "status", "attempts", "target", "sent_at", "next_attempt_at", "resends", "last_error")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Reminder)
class ReminderAdmin(VisibleOnlyMixin, RowChangesAdmin, _ReadOnly, admin.ModelAdmin):
    visible = staticmethod(visible_reminders)
    list_display = ("title", "recipient", "kind", "period", "status", "due_at", "sent_at", "sender")
    list_filter = ("kind", "status")
    search_fields = ("title", "recipient__username", "recipient__full_name", "object_key")
    list_select_related = ("recipient", "sender")
    date_hierarchy = "created_at"
    inlines = [DeliveryInline]


@admin.register(ReminderDelivery)
class ReminderDeliveryAdmin(VisibleOnlyMixin, _ReadOnly, SimpleHistoryAdmin):
    visible = staticmethod(visible_deliveries)
    list_display = ("reminder", "channel", "status", "attempts", "sent_at", "resends")
    list_filter = ("channel", "status")
    search_fields = ("reminder__title", "reminder__recipient__username", "target")
    list_select_related = ("reminder",)
    raw_id_fields = ("reminder",)


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(VisibleOnlyAdmin):
    visible = staticmethod(lambda user: NotificationPreference.objects.filter(user__in=visible_users(user)))
    list_display = ("user", "email", "webhook", "quiet_start", "quiet_end")
    list_filter = ("email", "webhook")
    search_fields = ("user__username", "user__full_name")
    list_select_related = ("user",)
    raw_id_fields = ("user",)
