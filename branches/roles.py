"""The roles of the product. Each is a Group whose name is the role's code.

The six Party roles of DESIGN §2 do the work; the three administration roles (三员分立, 等保 2.0)
keep the system and nothing else: the system administrator manages accounts and settings, the
security administrator roles and grants, the auditor reads the audit trail. None of the three
sees or changes Party data, and none can do another's work (``ADMINISTRATION_PERMISSIONS``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    DEPARTMENT_STAFF = "department_staff", _("Department staff")
    LEADER = "leader", _("Leader")
    DISPATCH_CHIEF = "dispatch_chief", _("Dispatch chief")
    SECRETARY = "secretary", _("Branch secretary")
    MEMBER = "member", _("Party member")
    UNIT_LIAISON = "unit_liaison", _("Unit liaison")
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    SECURITY_ADMIN = "security_admin", _("Security administrator")
    AUDITOR = "auditor", _("Auditor")


# Roles that see a whole subtree of the organization tree (the others see what they hold).
JURISDICTION_ROLES = frozenset({Role.DEPARTMENT_STAFF, Role.LEADER})

# The roles that do the Party work (navigation, landing pages, records).
PARTY_ROLES = frozenset(
    {Role.DEPARTMENT_STAFF, Role.LEADER, Role.DISPATCH_CHIEF, Role.SECRETARY, Role.MEMBER, Role.UNIT_LIAISON}
)
# 三员分立: the three who keep the system.
ADMINISTRATION_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR})

# The model permissions each administration role's group holds (kept after every migrate by
# branches.apps.ensure_role_groups; anything else is removed from these groups). They reach the
# admin site (``is_staff``) only for these: accounts for the system administrator (never their
# roles: branches.admin.UserAdmin hides the groups from them), the role groups and object
# grants for the security administrator, nothing for the auditor (the audit pages check the role).
ADMINISTRATION_PERMISSIONS = {
    Role.SYSTEM_ADMIN: ["branches.view_user", "branches.add_user", "branches.change_user", "branches.view_organization"],
    Role.SECURITY_ADMIN: [
        "branches.view_user",
        "branches.change_user",
        "auth.view_group",
        "branches.view_branchuserobjectpermission",
        "projects.view_projectuserobjectpermission",
    ],
    Role.AUDITOR: [],
}
