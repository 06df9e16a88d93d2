"""Reads of the "who": what each user may see (DESIGN §2, jurisdiction) and list queries.

Every list, detail, export and admin page goes through the ``visible_*`` functions here: an
object outside them is a 404. Department staff and leaders see the subtree of the node they
sit at; secretaries see the branches granted to them; dispatch chiefs the branches of the
projects granted to them; members the branches they serve in.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from core.context_processors import user_role_codes

from .models import (
    Activity,
    Branch,
    BranchUserObjectPermission,
    IndustrialChain,
    Membership,
    MembershipRole,
    Organization,
    Person,
)
from .roles import JURISDICTION_ROLES, Role


def has_role(user, *roles) -> bool:
    if not user.is_authenticated:
        return False
    codes = user_role_codes(user)
    return any(Role(r).value in codes for r in roles)


def jurisdiction_path(user) -> str | None:
    """The tree path of the subtree ``user`` oversees, or None when they oversee none.

    Superusers oversee everything (the empty prefix)."""
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return ""
    if user_role_codes(user) & JURISDICTION_ROLES and user.organization_id:
        return user.organization.path
    return None


def is_office_user(user) -> bool:
    """Department staff, leaders (and superusers): they see a subtree."""
    return jurisdiction_path(user) is not None


def can_write_jurisdiction(user) -> bool:
    """Department staff may change what is in their jurisdiction; leaders only read."""
    return user.is_authenticated and (user.is_superuser or has_role(user, Role.DEPARTMENT_STAFF))


def visible_organizations(user) -> QuerySet[Organization]:
    path = jurisdiction_path(user)
    if path is None:
        return Organization.objects.none()
    return Organization.objects.filter(path__startswith=path)


def _granted_branch_ids(user, codename: str):
    return BranchUserObjectPermission.objects.filter(
        user=user, permission__codename=codename, content_object=OuterRef("pk")
    )


def visible_branches(user) -> QuerySet[Branch]:
    """Branches ``user`` may see. One query, no DISTINCT: each rule is an EXISTS.

    Dispatch chiefs are granted ``view_branch`` on the branches of their projects when they
    are appointed (projects.services), so a grant covers them as it covers secretaries."""
    if not user.is_authenticated:
        return Branch.objects.none()
    path = jurisdiction_path(user)
    if path == "":
        return Branch.objects.all()
    rules = Q(Exists(_granted_branch_ids(user, "view_branch")))
    rules |= Q(
        Exists(Membership.objects.filter(branch=OuterRef("pk"), person__user=user, left_on__isnull=True))
    )
    if path is not None:
        rules |= Q(supervising_committee__path__startswith=path)
    return Branch.objects.filter(rules)


def editable_branches(user) -> QuerySet[Branch]:
    """Branches ``user`` may change: staff in their jurisdiction, secretaries their own."""
    if not user.is_authenticated:
        return Branch.objects.none()
    if user.is_superuser:
        return Branch.objects.all()
    rules = Q(Exists(_granted_branch_ids(user, "change_branch")))
    if has_role(user, Role.DEPARTMENT_STAFF) and user.organization_id:
        rules |= Q(supervising_committee__path__startswith=user.organization.path)
    return Branch.objects.filter(rules)


def branch_list(*, user, filters: dict | None = None, search: str = "") -> QuerySet[Branch]:
    """The branch list page and its export: visible branches, filtered, with what a row shows."""
    qs = visible_branches(user)
    filters = filters or {}
    for key in ("batch", "front", "field", "scope", "status", "kind", "lead_unit", "light"):
        value = filters.get(key)
        if value not in (None, ""):
            qs = qs.filter(**{key: value})
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(goal__icontains=search) | Q(lead_unit__name__icontains=search))
    return qs.select_related("field", "lead_unit", "supervising_committee").order_by("batch", "name", "pk")


def branch_secretaries(branch_ids) -> dict[int, Membership]:
    """The active secretary membership of each branch, in one query."""
    rows = Membership.objects.filter(
        branch_id__in=list(branch_ids), role=MembershipRole.SECRETARY, left_on__isnull=True
    ).select_related("person")
    return {m.branch_id: m for m in rows}


def visible_people(user) -> QuerySet[Person]:
    path = jurisdiction_path(user)
    if path is None:
        return Person.objects.none()
    return Person.objects.filter(work_unit__path__startswith=path)


def visible_activities(user) -> QuerySet[Activity]:
    return Activity.objects.filter(branch__in=visible_branches(user))


def visible_chains(user) -> QuerySet[IndustrialChain]:
    path = jurisdiction_path(user)
    if path is None:
        return IndustrialChain.objects.none()
    return IndustrialChain.objects.filter(organization__path__startswith=path)


def active_memberships(branch) -> QuerySet[Membership]:
    return branch.memberships.filter(left_on__isnull=True).select_related("person", "person__work_unit")


def active_secretary(branch) -> Membership | None:
    return (
        branch.memberships.filter(role=MembershipRole.SECRETARY, left_on__isnull=True)
        .select_related("person", "person__user")
        .first()
    )


def branches_of_secretary(user) -> QuerySet[Branch]:
    return Branch.objects.filter(
        memberships__person__user=user, memberships__role=MembershipRole.SECRETARY, memberships__left_on__isnull=True
    )
