"""Admin pages of the "who". Every page narrows its queryset through the visibility selectors for
non-superusers (a department's staff see their subtree in the admin as on the site), and every
foreign-key choice is narrowed the same way.

Appointments, uploads and grants are not made here: they go through the site's pages and the
services, which move guardian grants and check files. Their admin pages are read-only."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from branches import selectors
from branches.forms import RoleCheckedUserChangeForm
from branches.models import (
    Activity,
    ActivityAttachment,
    Branch,
    BranchUserObjectPermission,
    ChainMember,
    ChainNode,
    IndustrialChain,
    Membership,
    Organization,
    Person,
    User,
    WeakLink,
    WorkField,
)
from branches.roles import Role
from core.admin import OutOfReachIs404, VisibleOnlyAdmin


class JurisdictionAdmin(VisibleOnlyAdmin):
    """Base of every admin page here: ``visible(user)`` is the selector that decides the rows."""

    @staticmethod
    def visible(user):
        raise NotImplementedError

    def _narrow(self, db_field, request, kwargs):
        if request.user.is_superuser:
            return kwargs
        model = db_field.related_model
        if model is Organization and selectors.keeps_accounts(request.user):
            # An account's organization is chosen from the whole tree by who keeps accounts.
            kwargs["queryset"] = Organization.objects.all()
            return kwargs
        narrowed = {
            Organization: selectors.visible_organizations,
            Person: selectors.visible_people,
            Branch: selectors.visible_branches,
            IndustrialChain: selectors.visible_chains,
            User: selectors.visible_users,
            Activity: selectors.visible_activities,
        }.get(model)
        if narrowed is not None:
            kwargs["queryset"] = narrowed(request.user)
        elif model is ChainNode:
            kwargs["queryset"] = ChainNode.objects.filter(chain__in=selectors.visible_chains(request.user))
        return kwargs

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return super().formfield_for_foreignkey(db_field, request, **self._narrow(db_field, request, kwargs))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return super().formfield_for_manytomany(db_field, request, **self._narrow(db_field, request, kwargs))


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Organization)
class OrganizationAdmin(JurisdictionAdmin):
    visible = staticmethod(selectors.visible_organizations)
    list_display = ["name", "short_name", "kind", "parent", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "short_name"]
    readonly_fields = ["path", "created_at", "updated_at"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]

    def narrow_to_visible(self, user, qs):
        # The system administrator reads the tree to place accounts (has only view permission).
        if selectors.keeps_accounts(user):
            return qs
        return super().narrow_to_visible(user, qs)


@admin.register(User)
class UserAdmin(DjangoUserAdmin, JurisdictionAdmin):
    visible = staticmethod(selectors.visible_users)
    list_display = ["username", "full_name", "organization", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "groups"]
    search_fields = ["username", "full_name", "phone"]
    list_select_related = ["organization"]
    autocomplete_fields = ["organization"]
    fieldsets = DjangoUserAdmin.fieldsets + ((_("Organization"), {"fields": ("full_name", "organization", "phone")}),)
    add_fieldsets = DjangoUserAdmin.add_fieldsets + (
        (_("Organization"), {"fields": ("full_name", "organization", "phone")}),
    )

    form = RoleCheckedUserChangeForm

    def narrow_to_visible(self, user, qs):
        # The system and security administrators keep every account (三员分立).
        if selectors.keeps_accounts(user):
            return qs
        return super().narrow_to_visible(user, qs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser or obj is None:
            return fieldsets
        if selectors.has_role(request.user, Role.SECURITY_ADMIN):
            # Roles and nothing else.
            return ((None, {"fields": ("username", "full_name", "organization", "groups")}),)
        if selectors.has_role(request.user, Role.SYSTEM_ADMIN):
            # Accounts, never their roles: those are the security administrator's.
            hidden = {"groups", "user_permissions", "is_superuser"}
            return tuple(
                (name, {**options, "fields": tuple(f for f in options["fields"] if f not in hidden)})
                for name, options in fieldsets
            )
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        # Only a superuser makes superusers or hands out model permissions.
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        if selectors.has_role(request.user, Role.SECURITY_ADMIN):
            return ["username", "full_name", "organization"]
        return ["is_superuser", "user_permissions", "last_login", "date_joined"]

    def has_change_permission(self, request, obj=None):
        # Nobody but a superuser changes their own account here: a security administrator
        # would otherwise give themselves the auditor's role (三员分立).
        if obj is not None and obj.pk == request.user.pk and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)


@admin.register(Person)
class PersonAdmin(JurisdictionAdmin):
    visible = staticmethod(selectors.visible_people)
    list_display = ["name", "gender", "work_unit", "post", "phone", "user", "is_probationary"]
    list_filter = ["gender", "is_probationary"]
    search_fields = ["name", "phone", "post"]
    list_select_related = ["work_unit", "user"]
    autocomplete_fields = ["work_unit"]
    # Linking a login moves secretary grants: that goes through the person page (person_link_user).
    readonly_fields = ["user", "created_at", "updated_at"]


@admin.register(WorkField)
class WorkFieldAdmin(SimpleHistoryAdmin):
    """The editable list of fields of work; shared by every jurisdiction."""

    list_display = ["name", "front", "sort_order", "is_active"]
    list_editable = ["sort_order", "is_active"]
    list_filter = ["front", "is_active"]
    search_fields = ["name"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    can_delete = False
    fields = ["person", "role", "joined_on", "left_on", "commitment"]
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Branch)
class BranchAdmin(JurisdictionAdmin):
    visible = staticmethod(selectors.visible_branches)
    list_display = ["name", "batch", "front", "field", "lead_unit", "status", "light"]
    list_filter = ["status", "batch", "front", "kind", "scope", "light", "field"]
    search_fields = ["name", "goal"]
    list_select_related = ["field", "lead_unit"]
    autocomplete_fields = ["supervising_committee", "lead_unit", "responsible_units"]
    # The status moves only through branch_transition (guards and history); the light is derived.
    readonly_fields = ["status", "status_changed_at", "concluded_on", "light", "created_by", "created_at", "updated_at"]
    inlines = [MembershipInline]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Membership)
class MembershipAdmin(ReadOnlyMixin, JurisdictionAdmin):
    """Appointments move grants (membership_appoint / membership_end): read-only here."""

    visible = staticmethod(selectors.visible_memberships)
    list_display = ["person", "branch", "role", "joined_on", "left_on"]
    list_filter = ["role"]
    search_fields = ["person__name", "branch__name"]
    list_select_related = ["person", "branch"]


class AttachmentInline(admin.TabularInline):
    model = ActivityAttachment
    extra = 0
    fields = ["original_name", "content_type", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Activity)
class ActivityAdmin(JurisdictionAdmin):
    visible = staticmethod(selectors.visible_activities)
    list_display = ["title", "branch", "kind", "held_on"]
    list_filter = ["kind"]
    search_fields = ["title", "branch__name"]
    date_hierarchy = "held_on"
    list_select_related = ["branch"]
    autocomplete_fields = ["branch"]
    filter_horizontal = ["participants"]
    readonly_fields = ["created_by", "created_at", "updated_at"]
    inlines = [AttachmentInline]


@admin.register(ActivityAttachment)
class ActivityAttachmentAdmin(ReadOnlyMixin, JurisdictionAdmin):
    """Uploads are checked by content on the site; the admin only lists them."""

    visible = staticmethod(selectors.visible_attachments)
    list_display = ["original_name", "activity", "content_type", "size", "uploaded_by", "uploaded_at"]
    search_fields = ["original_name", "activity__title"]
    list_select_related = ["activity", "uploaded_by"]
    exclude = ["file"]


class ChainNodeInline(admin.TabularInline):
    model = ChainNode
    extra = 0
    ordering = ["position"]


class ChainMemberInline(admin.TabularInline):
    model = ChainMember
    extra = 0
    autocomplete_fields = ["organization"]


@admin.register(IndustrialChain)
class IndustrialChainAdmin(JurisdictionAdmin):
    visible = staticmethod(selectors.visible_chains)
    list_display = ["name", "category", "organization"]
    list_filter = ["category"]
    search_fields = ["name"]
    list_select_related = ["organization"]
    autocomplete_fields = ["organization"]
    inlines = [ChainNodeInline, ChainMemberInline]


def _of_visible_chains(model):
    return lambda user: model.objects.filter(chain__in=selectors.visible_chains(user))


@admin.register(ChainNode)
class ChainNodeAdmin(JurisdictionAdmin):
    visible = staticmethod(_of_visible_chains(ChainNode))
    list_display = ["name", "chain", "stage", "position"]
    list_filter = ["stage"]
    search_fields = ["name", "chain__name"]
    list_select_related = ["chain"]


@admin.register(ChainMember)
class ChainMemberAdmin(JurisdictionAdmin):
    visible = staticmethod(_of_visible_chains(ChainMember))
    list_display = ["organization", "chain", "node", "role"]
    search_fields = ["organization__name", "chain__name"]
    list_select_related = ["organization", "chain", "node"]
    autocomplete_fields = ["organization"]


@admin.register(WeakLink)
class WeakLinkAdmin(JurisdictionAdmin):
    visible = staticmethod(_of_visible_chains(WeakLink))
    list_display = ["title", "chain", "node", "kind", "is_resolved"]
    list_filter = ["kind", "is_resolved"]
    search_fields = ["title", "chain__name"]
    list_select_related = ["chain", "node"]


@admin.register(BranchUserObjectPermission)
class BranchGrantAdmin(ReadOnlyMixin, OutOfReachIs404, admin.ModelAdmin):
    """Grants follow appointments (membership_appoint, project_assign_dispatch_chief): read-only."""

    list_display = ["content_object", "user", "permission"]
    search_fields = ["content_object__name", "user__username", "user__full_name"]
    list_select_related = ["content_object", "user", "permission"]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser or selectors.has_role(request.user, Role.SECURITY_ADMIN):
            return qs
        return qs.filter(content_object__in=selectors.visible_branches(request.user))
