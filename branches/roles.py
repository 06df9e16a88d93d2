"""The six roles of the product (DESIGN §2). Each is a Group whose name is the role's code."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    DEPARTMENT_STAFF = "department_staff", _("Department staff")
    LEADER = "leader", _("Leader")
    DISPATCH_CHIEF = "dispatch_chief", _("Dispatch chief")
    SECRETARY = "secretary", _("Branch secretary")
    MEMBER = "member", _("Party member")
    UNIT_LIAISON = "unit_liaison", _("Unit liaison")


# Roles that see a whole subtree of the organization tree (the others see what they hold).
JURISDICTION_ROLES = frozenset({Role.DEPARTMENT_STAFF, Role.LEADER})
