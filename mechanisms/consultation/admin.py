"""Admin pages of 对接会商 (imported by mechanisms/admin.py).

Non-superusers see only what the visibility selectors give them; states move through the site's
pages, so workflow fields are read-only here."""

from django.contrib import admin

from core.admin import VisibleOnlyAdmin
from mechanisms.consultation.models import Consultation, Resolution
from mechanisms.consultation.selectors import visible_consultations, visible_resolutions


class ResolutionInline(admin.TabularInline):
    model = Resolution
    extra = 0
    fields = ("content", "owner_unit", "resources", "deadline", "status")
    readonly_fields = ("status",)
    raw_id_fields = ("owner_unit",)


@admin.register(Consultation)
class ConsultationAdmin(VisibleOnlyAdmin):
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
class ResolutionAdmin(VisibleOnlyAdmin):
    visible = visible_resolutions
    list_display = ("__str__", "consultation", "owner_unit", "deadline", "status")
    list_filter = ("status", "deadline")
    search_fields = ("content", "resources", "consultation__topic")
    raw_id_fields = ("consultation", "owner_unit", "signed_off_by", "verified_by")
    readonly_fields = ("status", "signed_off_at", "signed_off_by", "done_at", "verified_at", "verified_by")
    list_select_related = ("consultation", "owner_unit")
