"""Admin of comments and attachments: a row is visible when its record is (the registry of record
types and their selectors, mechanisms.records.registry)."""

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.admin import VisibleOnlyAdmin, VisibleOnlyMixin
from mechanisms.common.models import Attachment, Comment
from mechanisms.records.registry import RECORD_TYPES, seen_records


def visible_records_q(user, type_field="content_type", id_field="object_id") -> Q:
    """Comments and attachments whose record ``user`` may see (one clause per record type)."""
    rules = Q(pk__in=[])
    for model in RECORD_TYPES:
        ct = ContentType.objects.get_for_model(model, for_concrete_model=True)
        rules |= Q(**{type_field: ct, f"{id_field}__in": seen_records(user, model).values("pk")})
    return rules


@admin.register(Comment)
class CommentAdmin(VisibleOnlyAdmin):
    list_display = ("created_at", "author", "content_type", "object_id", "short_body")
    list_filter = ("content_type",)
    search_fields = ("body",)
    readonly_fields = ("content_type", "object_id", "author", "created_at")
    list_select_related = ("author", "content_type")

    @admin.display(description=_("comment"))
    def short_body(self, obj):
        return obj.body[:60]

    def narrow_to_visible(self, user, qs):
        return qs.filter(visible_records_q(user))

    def has_add_permission(self, request):
        return False


@admin.register(Attachment)
class AttachmentAdmin(VisibleOnlyMixin, admin.ModelAdmin):
    list_display = ("uploaded_at", "original_name", "record_type", "record_id", "content_type", "uploaded_by")
    list_filter = ("record_type",)
    search_fields = ("original_name",)
    list_select_related = ("uploaded_by", "record_type")

    def get_readonly_fields(self, request, obj=None):
        # Files are checked on upload by the site; here they are only looked at or removed.
        return [f.name for f in self.model._meta.fields]

    def narrow_to_visible(self, user, qs):
        return qs.filter(visible_records_q(user, "record_type", "record_id"))

    def has_add_permission(self, request):
        return False
