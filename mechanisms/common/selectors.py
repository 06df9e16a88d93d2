"""Reads every room shares: a liaison's unit, who writes for or answers a branch, the unit's
liaisons, a record's comments, attachments and history, a user's notifications, filter choices.

Each room's own visibility (``visible_*``) lives in its selectors; this module only holds what
more than one room reads."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from branches.models import Branch, Membership, MembershipRole, User
from branches.roles import PARTY_ROLES, Role
from branches.selectors import (
    branches_of_secretary,
    can_write_jurisdiction,
    has_role,
    jurisdiction_path,
)
from mechanisms.common.models import Attachment, Comment, Notification
from projects.models import Project


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def content_type_of(obj) -> ContentType:
    return ContentType.objects.get_for_model(obj, for_concrete_model=True)


def liaison_unit_id(user) -> int | None:
    """The unit a liaison answers for (their organization), or None."""
    if user.is_authenticated and has_role(user, Role.UNIT_LIAISON) and user.organization_id:
        return user.organization_id
    return None


def user_notifications(user) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


def record_extras(obj) -> dict:
    """Comments, attachments and history of one record, for its detail page (4 queries)."""

    ct = content_type_of(obj)
    return {
        "comments": list(Comment.objects.filter(content_type=ct, object_id=obj.pk).select_related("author")),
        "attachments": list(
            Attachment.objects.filter(record_type=ct, record_id=obj.pk).select_related("uploaded_by")
        ),
        "history": list(obj.history.select_related("history_user").order_by("-history_date")[:50]),
    }


LIST_LIMIT = 50


def unit_rights(user, consultation) -> tuple[int | None, bool]:
    """(the unit ``user`` answers for as a liaison, whether they may act on behalf of any unit
    of ``consultation``): department staff over the consultation's branch sign off and report
    for a unit that cannot."""
    if not user.is_authenticated:
        return None, False
    if user.is_superuser:
        return None, True
    path = jurisdiction_path(user)
    on_behalf = (
        can_write_jurisdiction(user)
        and path is not None
        and Branch.objects.filter(pk=consultation.branch_id, supervising_committee__path__startswith=path).exists()
    )
    return liaison_unit_id(user), on_behalf


def can_act_for_unit(user, resolution) -> bool:
    """Sign off and report done: a liaison of the owner unit, or department staff on its behalf."""
    unit, on_behalf = unit_rights(user, resolution.consultation)
    return on_behalf or (unit is not None and unit == resolution.owner_unit_id)


def unit_liaisons(unit_ids) -> QuerySet[User]:
    """The active liaisons of the given units (the people who answer for them)."""
    return User.objects.filter(
        organization_id__in=list(unit_ids), groups__name=Role.UNIT_LIAISON, is_active=True
    ).distinct()


def _count(model, fk: str, q: Q):
    return Coalesce(
        Subquery(
            model.objects.filter(q, **{fk: OuterRef("pk")})
            .order_by()
            .values(fk)
            .annotate(n=Count("pk"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def filter_choices(user, *, source: QuerySet) -> dict:
    """Projects and branches named by the rows ``user`` may see (lazy: one query each when read)."""
    source = source.order_by()
    return {
        "projects": Project.objects.filter(pk__in=source.values("project")).order_by("name", "pk"),
        "branches": Branch.objects.filter(pk__in=source.values("branch")).order_by("batch", "name", "pk"),
    }


# Roles that use the weekly-report and request pages at all; anyone else gets a 404.
PAGE_ROLES = (Role.DEPARTMENT_STAFF, Role.LEADER, Role.SECRETARY, Role.DISPATCH_CHIEF)


def may_use_pages(user) -> bool:
    return user.is_authenticated and (user.is_superuser or has_role(user, *PAGE_ROLES))


def may_add_to_records(user) -> bool:
    """Whether ``user`` may comment on and attach files to the records they see: anyone but a
    leader with no other role (leaders read, and write nothing anywhere)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    writers = [role for role in PARTY_ROLES if role != Role.LEADER]
    return has_role(user, *writers) or not has_role(user, Role.LEADER)


def authoring_branches(user) -> QuerySet[Branch]:
    """Branches ``user`` writes for: those they serve as secretary."""
    if not user.is_authenticated:
        return Branch.objects.none()
    return branches_of_secretary(user)


def answering_branches(user) -> QuerySet[Branch]:
    """Branches whose reports and requests ``user`` answers: department staff (and superusers)
    in their jurisdiction."""
    if not can_write_jurisdiction(user):
        return Branch.objects.none()
    path = jurisdiction_path(user)
    if path is None:
        return Branch.objects.none()
    if path == "":
        return Branch.objects.all()
    return Branch.objects.filter(supervising_committee__path__startswith=path)


def standing_on_branch(user, branch_id) -> tuple[bool, bool]:
    """(writes for the branch, answers the branch) for ``user``: what a detail page of a weekly
    report, request or report may offer. Two EXISTS queries."""
    return (
        authoring_branches(user).filter(pk=branch_id).exists(),
        answering_branches(user).filter(pk=branch_id).exists(),
    )


def _secretary_name():
    return Subquery(
        Membership.objects.filter(branch=OuterRef("branch_id"), role=MembershipRole.SECRETARY, left_on__isnull=True)
        .values("person__name")[:1]
    )


