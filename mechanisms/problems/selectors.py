"""Reads of 问题研判: which problems a user may see (those of the branches they see, and a
liaison's unit's), the roles a user holds on a problem, the list, the detail and its actions."""

import datetime
from dataclasses import dataclass, field

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from branches.models import (
    BRANCH_CLOSED_STATUSES,
    PATH_STEP,
    Branch,
    Membership,
    MembershipRole,
    Organization,
    OrganizationKind,
    Person,
    User,
)
from branches.roles import Role
from branches.selectors import editable_branches, visible_branches
from mechanisms.common.selectors import liaison_unit_id
from mechanisms.problems.models import (
    PROBLEM_OPEN_STATUSES,
    AssignmentStatus,
    DeadlineExtension,
    ExtensionStatus,
    ProblemAssignment,
    ProblemCase,
    ProblemStatus,
)
from projects.models import Project


def visible_problems(user) -> QuerySet[ProblemCase]:
    if not user.is_authenticated:
        return ProblemCase.objects.none()
    rules = Q(branch__in=visible_branches(user))
    unit = liaison_unit_id(user)
    if unit:
        rules |= Q(responsible_unit_id=unit)
        rules |= Q(Exists(ProblemAssignment.objects.filter(problem=OuterRef("pk"), unit_id=unit)))
    return ProblemCase.objects.filter(rules)


PROBLEM_LIST_FILTERS = ("branch", "project", "status", "category", "severity", "source", "responsible_unit")


# Branches that take no new problems.
# A branch evaluated or dissolved takes no new problems (a concluded one still may, until its
# evaluation): branches.models' closed set.
ENDED_BRANCH_STATUSES = BRANCH_CLOSED_STATUSES


# Roles on one problem.
ANALYST = "analyst"  # the branch's secretary, department staff in jurisdiction: analyse and assign


LIAISON = "liaison"  # the responsible unit's liaison: accept, object, resolve, ask for more time


CO_UNIT = "co_unit"  # a co-operating unit's liaison: answer the lead unit


VERIFIER = "verifier"  # the branch's secretary, the project's 调度长: verify and close


DECIDER = "decider"  # secretary, 调度长, department staff: decide deadline extensions


ALL_ROLES = frozenset({ANALYST, LIAISON, CO_UNIT, VERIFIER, DECIDER})


# ---------------------------------------------------------------- who may act
def reporting_branches(user) -> QuerySet[Branch]:
    """Branches ``user`` may raise problems for: the secretary's, department staff's in their
    jurisdiction, and the branches of the projects a 调度长 dispatches (problems raised at a
    dispatch session). Ended branches take none."""
    if not user.is_authenticated:
        return Branch.objects.none()
    rules = Q(pk__in=editable_branches(user).values("pk"))
    rules |= Q(Exists(Project.objects.filter(branch=OuterRef("pk"), dispatch_chief=user)))
    return Branch.objects.filter(rules).exclude(status__in=ENDED_BRANCH_STATUSES)


def is_branch_secretary(user, branch_id) -> bool:
    return Membership.objects.filter(
        branch_id=branch_id, person__user=user, role=MembershipRole.SECRETARY, left_on__isnull=True
    ).exists()


def is_problem_dispatch_chief(user, problem: ProblemCase) -> bool:
    """The 调度长 of the problem's project; for a problem of no project, of any project of its
    branch."""
    if problem.project_id:
        return Project.objects.filter(pk=problem.project_id, dispatch_chief=user).exists()
    return Project.objects.filter(branch_id=problem.branch_id, dispatch_chief=user).exists()


def problem_roles(problem: ProblemCase, user) -> frozenset[str]:
    """The roles ``user`` holds on ``problem`` (empty for someone who may only read it)."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    if user.is_superuser:
        return ALL_ROLES
    roles = set()
    if editable_branches(user).filter(pk=problem.branch_id).exists():
        roles |= {ANALYST, DECIDER}
    unit = liaison_unit_id(user)
    if unit is not None:
        if unit == problem.responsible_unit_id:
            roles.add(LIAISON)
        if ProblemAssignment.objects.filter(problem=problem, unit_id=unit).exists():
            roles.add(CO_UNIT)
    if is_branch_secretary(user, problem.branch_id) or is_problem_dispatch_chief(user, problem):
        roles |= {VERIFIER, DECIDER}
    return frozenset(roles)


# ---------------------------------------------------------------- who to tell
def unit_liaisons(unit_ids) -> list[User]:
    unit_ids = [u for u in unit_ids if u]
    if not unit_ids:
        return []
    return list(
        User.objects.filter(is_active=True, organization_id__in=unit_ids, groups__name=Role.UNIT_LIAISON)
        .distinct()
        .order_by("pk")
    )


def branch_secretary_user(branch_id) -> User | None:
    membership = (
        Membership.objects.filter(branch_id=branch_id, role=MembershipRole.SECRETARY, left_on__isnull=True)
        .select_related("person__user")
        .first()
    )
    return membership.person.user if membership and membership.person.user_id else None


def problem_dispatch_chiefs(problem: ProblemCase) -> list[User]:
    """Who a problem escalates to: its project's 调度长, or the 调度长s of its branch's projects."""
    projects = Project.objects.filter(dispatch_chief__isnull=False)
    projects = projects.filter(pk=problem.project_id) if problem.project_id else projects.filter(branch_id=problem.branch_id)
    return list(User.objects.filter(pk__in=projects.values("dispatch_chief")).order_by("pk"))


# ---------------------------------------------------------------- choices of the forms
def unit_choices_for_branch(branch: Branch) -> QuerySet[Organization]:
    """Units a problem of ``branch`` may be assigned to: the active organizations of the city
    (or county) the branch's supervising committee belongs to."""
    committee = branch.supervising_committee
    step = PATH_STEP + 1
    ancestors = [committee.path[: step * i] for i in range(1, committee.depth + 1)]
    top = (
        Organization.objects.filter(path__in=ancestors, kind__in=[OrganizationKind.CITY, OrganizationKind.COUNTY])
        .order_by("-path")
        .values_list("path", flat=True)
        .first()
    )
    root = top or committee.path[: max(len(committee.path) - step, step)]
    return Organization.objects.filter(path__startswith=root, is_active=True).order_by("path")


def branch_project_choices(branch: Branch) -> QuerySet[Project]:
    return Project.objects.filter(branch=branch).order_by("deadline", "name")


def branch_member_choices(branch: Branch):

    return Person.objects.filter(
        memberships__branch=branch, memberships__left_on__isnull=True
    ).order_by("name", "pk").distinct()


def branch_dispatch_choices(branch: Branch) -> QuerySet:
    # Through the branch's reverse relation: the problems room sits below 推进调度 and does not
    # import it (the dispatch agenda reads problems, not the other way round).
    return branch.dispatches.select_related("project").order_by("-held_on", "-id")


# ---------------------------------------------------------------- the list
def _overdue(today):
    return ExpressionWrapper(
        Q(status__in=PROBLEM_OPEN_STATUSES, deadline__lt=today), output_field=BooleanField()
    )


def problem_list(*, user, filters: dict | None = None, search: str = "", today: datetime.date | None = None):
    """The problem list page and its export: visible problems, filtered, newest first, with what
    a row shows (branch, project, responsible unit joined; ``is_overdue`` annotated)."""
    today = today or timezone.localdate()
    qs = visible_problems(user)
    filters = filters or {}
    for key in PROBLEM_LIST_FILTERS:
        value = filters.get(key)
        if value not in (None, ""):
            qs = qs.filter(**{key: value})
    overdue = filters.get("overdue")
    if overdue == "yes":
        qs = qs.filter(status__in=PROBLEM_OPEN_STATUSES, deadline__lt=today)
    elif overdue == "no":
        qs = qs.exclude(status__in=PROBLEM_OPEN_STATUSES, deadline__lt=today)
    if search:
        qs = qs.filter(
            Q(title__icontains=search)
            | Q(description__icontains=search)
            | Q(enterprise_name__icontains=search)
            | Q(responsible_unit__name__icontains=search)
        )
    return (
        qs.select_related("branch", "project", "responsible_unit")
        .annotate(is_overdue=_overdue(today))
        .order_by("-created_at", "-id")
    )


def problem_filter_choices(user) -> dict:
    """Choices of the list's filters that depend on the data: lazy, one query each when read."""
    visible = visible_problems(user).order_by()
    return {
        "branches": Branch.objects.filter(pk__in=visible.values("branch")).order_by("batch", "name"),
        "projects": Project.objects.filter(pk__in=visible.values("project")).order_by("name"),
        "units": Organization.objects.filter(pk__in=visible.values("responsible_unit")).order_by("path"),
    }


# ---------------------------------------------------------------- the detail page
def problem_detail(*, user, pk) -> ProblemCase:
    """The problem with what its page shows; raises ProblemCase.DoesNotExist outside reach."""
    return (
        visible_problems(user)
        .select_related(
            "branch",
            "branch__supervising_committee",
            "project",
            "project__dispatch_chief",
            "responsible_unit",
            "raised_by_person",
            "dispatch",
            "analysed_by",
            "verified_by",
            "created_by",
        )
        .prefetch_related(
            Prefetch("assignments", queryset=ProblemAssignment.objects.select_related("unit", "answered_by")),
            Prefetch(
                "extensions",
                queryset=DeadlineExtension.objects.select_related("requested_by", "decided_by").order_by("-created_at"),
            ),
        )
        .get(pk=pk)
    )


@dataclass
class ProblemActions:
    """What one user may do to one problem now (the buttons of its page)."""

    roles: frozenset
    analyse: bool = False
    accept: bool = False
    object: bool = False
    resolve: bool = False
    verify: bool = False
    request_extension: bool = False
    decide_extension: DeadlineExtension | None = None
    answer: list = field(default_factory=list)  # the user's unit's pending assignments
    objection_closed: bool = False  # the unit may still accept, but its time to object is over

    @property
    def any(self) -> bool:
        return any(
            [self.analyse, self.accept, self.object, self.resolve, self.verify, self.request_extension,
             self.decide_extension, self.answer]
        )


def problem_actions(problem: ProblemCase, user, *, today: datetime.date | None = None) -> ProblemActions:
    """The actions of ``user`` on ``problem`` (prefetched by ``problem_detail``)."""
    today = today or timezone.localdate()
    roles = problem_roles(problem, user)
    status = problem.status
    assignments = list(problem.assignments.all())
    extensions = list(problem.extensions.all())
    pending_extension = next((e for e in extensions if e.status == ExtensionStatus.PENDING), None)
    actions = ProblemActions(roles=roles)
    actions.analyse = ANALYST in roles and status in (ProblemStatus.REPORTED, ProblemStatus.OBJECTED)
    if LIAISON in roles and status == ProblemStatus.ANALYSED:
        actions.accept = True
        in_time = problem.accept_due_on is None or today <= problem.accept_due_on
        actions.object = in_time
        actions.objection_closed = not in_time
    actions.resolve = LIAISON in roles and status == ProblemStatus.ACCEPTED
    actions.verify = VERIFIER in roles and status == ProblemStatus.RESOLVED
    actions.request_extension = (
        LIAISON in roles
        and status in (ProblemStatus.ANALYSED, ProblemStatus.ACCEPTED)
        and problem.deadline is not None
        and today <= problem.deadline
        and pending_extension is None
    )
    if DECIDER in roles and pending_extension is not None:
        actions.decide_extension = pending_extension
    if CO_UNIT in roles and status in (ProblemStatus.ANALYSED, ProblemStatus.ACCEPTED):
        unit = user.organization_id if not user.is_superuser else None
        actions.answer = [
            a for a in assignments if a.status == AssignmentStatus.PENDING and (unit is None or a.unit_id == unit)
        ]
    return actions
