"""Admin page of the export jobs: read-only (jobs are made by exports and written by the worker);
a non-superuser sees only their own, as on the site."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin

from core.models import ExportJob


class OutOfReachIs404:
    """An admin page whose ``get_queryset`` narrows: outside it, the change, delete and history
    pages are a 404, as on the site (the admin would send the user to its index with a "does
    not exist" message, and simple-history would show the history rows of a row the user may
    not see)."""

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj

    def history_view(self, request, object_id, extra_context=None):
        self.get_object(request, unquote(object_id))  # a 404 outside get_queryset, or for a bad id
        return super().history_view(request, object_id, extra_context)


class VisibleOnlyMixin(OutOfReachIs404):
    """The one "only what you may see" rule of every admin page (DESIGN §2, jurisdiction).

    A non-superuser sees the rows that ``visible(user)`` — the same selector as the site's
    pages — returns, reached from this model through ``visible_path`` ("" for the model itself,
    "project" for an indicator, …). Outside it, the history page is a 404 too: simple-history
    would otherwise fall back to the history rows of an object the user may not see. A page
    with another rule overrides ``narrow_to_visible`` and keeps the guard.
    """

    visible = None
    visible_path = ""

    def narrow_to_visible(self, user, qs):
        lookup = f"{self.visible_path}__in" if self.visible_path else "pk__in"
        return qs.filter(**{lookup: type(self).visible(user).values("pk")})

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return self.narrow_to_visible(request.user, qs)


class VisibleOnlyAdmin(VisibleOnlyMixin, SimpleHistoryAdmin):
    """A model with change history, narrowed to what the user may see."""


@admin.register(ExportJob)
class ExportJobAdmin(OutOfReachIs404, SimpleHistoryAdmin):
    list_display = ("title", "name", "user", "status", "progress", "total", "created_at", "finished_at")
    list_filter = ("status", "name")
    search_fields = ("title", "name", "user__username", "user__full_name")
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in ExportJob._meta.fields]

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("user")
        return qs if request.user.is_superuser else qs.filter(user=request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
