"""Reads of the request-and-report mechanism (请示报告) and the weekly report (周报).

Who may do what:

* read — whoever sees the branch (``mechanisms.selectors.visible_*``);
* write (file a weekly report, draft and submit requests and reports) — the branch's serving
  secretary (``authoring_branches``): the branch reports, not the department;
* answer (review or return weekly reports, reply to requests, acknowledge reports) —
  department staff whose jurisdiction holds the branch's supervising committee: they act for
  the committee (``answering_branches``). Leaders read only.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from branches.models import Branch, BranchStatus, Membership, MembershipRole
from branches.roles import Role
from branches.selectors import (
    branches_of_secretary,
    can_write_jurisdiction,
    has_role,
    jurisdiction_path,
    visible_branches,
)

from .models import (
    DecisionRequest,
    DecisionRequestStatus,
    Instruction,
    InstructionStatus,
    ProblemCase,
    ProblemStatus,
    Report,
    ReportStatus,
    WeeklyReport,
    WeeklyReportProblem,
    WeeklyReportReading,
    WeeklyReportStatus,
)
from .selectors import visible_decision_requests, visible_reports, visible_weekly_reports
from .services.weekly import (
    FILED_STATUSES,
    Week,
    branch_open_indicators,
    current_week,
    plan_items,
    week_deadline,
)

# Roles that use the weekly-report and request pages at all; anyone else gets a 404.
PAGE_ROLES = (Role.DEPARTMENT_STAFF, Role.LEADER, Role.SECRETARY, Role.DISPATCH_CHIEF)


def may_use_pages(user) -> bool:
    return user.is_authenticated and (user.is_superuser or has_role(user, *PAGE_ROLES))


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


# ---------------------------------------------------------------- weekly reports
def editable_weekly_reports(user) -> QuerySet[WeeklyReport]:
    return WeeklyReport.objects.filter(branch__in=authoring_branches(user))


def reviewable_weekly_reports(user) -> QuerySet[WeeklyReport]:
    return WeeklyReport.objects.filter(branch__in=answering_branches(user))


def weekly_report_list(*, user, filters: dict | None = None, search: str = "") -> QuerySet[WeeklyReport]:
    """The weekly-report list and its export: visible reports, filtered, one query a page."""
    filters = filters or {}
    qs = visible_weekly_reports(user)
    week = filters.get("week")
    if week:
        qs = qs.filter(iso_year=week.iso_year, iso_week=week.iso_week)
    for key in ("status", "branch"):
        value = filters.get(key)
        if value not in (None, ""):
            qs = qs.filter(**{key: value})
    late = filters.get("late")
    if late in ("yes", "no"):
        qs = qs.filter(is_late=(late == "yes"))
    batch = filters.get("batch")
    if batch not in (None, ""):
        qs = qs.filter(branch__batch=batch)
    if search:
        qs = qs.filter(Q(branch__name__icontains=search) | Q(work_done__icontains=search))
    return (
        qs.select_related("branch", "submitted_by", "reviewed_by")
        .annotate(secretary_name=_secretary_name())
        .order_by("-iso_year", "-iso_week", "branch__batch", "branch__name", "pk")
    )


def weekly_missing(*, user, week: Week, filters: dict | None = None, search: str = "") -> QuerySet[Branch]:
    """Active branches ``user`` sees that have not filed ``week``'s report (none, or a draft)."""
    filters = filters or {}
    filed = WeeklyReport.objects.filter(
        branch=OuterRef("pk"), iso_year=week.iso_year, iso_week=week.iso_week, status__in=FILED_STATUSES
    )
    draft = WeeklyReport.objects.filter(
        branch=OuterRef("pk"), iso_year=week.iso_year, iso_week=week.iso_week, status=WeeklyReportStatus.DRAFT
    )
    qs = (
        visible_branches(user)
        .filter(status=BranchStatus.ACTIVE)
        .filter(Q(formed_on__isnull=True) | Q(formed_on__lte=week.end))
        .exclude(Exists(filed))
    )
    batch = filters.get("batch")
    if batch not in (None, ""):
        qs = qs.filter(batch=batch)
    if search:
        qs = qs.filter(name__icontains=search)
    return (
        qs.select_related("supervising_committee", "lead_unit")
        .annotate(
            has_draft=Exists(draft),
            secretary_name=Subquery(
                Membership.objects.filter(branch=OuterRef("pk"), role=MembershipRole.SECRETARY, left_on__isnull=True)
                .values("person__name")[:1]
            ),
            secretary_phone=Subquery(
                Membership.objects.filter(branch=OuterRef("pk"), role=MembershipRole.SECRETARY, left_on__isnull=True)
                .values("person__phone")[:1]
            ),
        )
        .order_by("batch", "name", "pk")
    )


def weekly_filter_batches(user) -> list[int]:
    return sorted(set(visible_branches(user).order_by().values_list("batch", flat=True).distinct()))


def weekly_report_detail(*, user, pk) -> WeeklyReport:
    """The report with its readings and problem lines; raises DoesNotExist outside reach."""
    from django.db.models import Prefetch

    return (
        visible_weekly_reports(user)
        .select_related("branch", "submitted_by", "reviewed_by", "created_by")
        .prefetch_related(
            Prefetch(
                "readings",
                queryset=WeeklyReportReading.objects.select_related("indicator__project", "indicator_reading").order_by(
                    "indicator__project_id", "indicator_id"
                ),
            ),
            Prefetch(
                "problem_lines", queryset=WeeklyReportProblem.objects.select_related("problem_case").order_by("id")
            ),
        )
        .get(pk=pk)
    )


def previous_report(*, branch, week: Week) -> WeeklyReport | None:
    """The branch's latest report from a week before ``week`` (a missed week is skipped)."""
    return (
        WeeklyReport.objects.filter(branch=branch)
        .filter(Q(iso_year__lt=week.iso_year) | Q(iso_year=week.iso_year, iso_week__lt=week.iso_week))
        .order_by("-iso_year", "-iso_week")
        .first()
    )


@dataclass
class Prefill:
    """What a new weekly report opens with."""

    week: Week
    previous: WeeklyReport | None
    checklist: list  # [{"item": str, "done": False}]
    indicators: list  # Indicator rows (with .project), values as they stand


def weekly_prefill(*, branch, week: Week) -> Prefill:
    """Last week's plan as this week's checklist, and the current indicator values."""
    previous = previous_report(branch=branch, week=week)
    items = plan_items(previous.next_week_plan) if previous else []
    return Prefill(
        week=week,
        previous=previous,
        checklist=[{"item": item, "done": False} for item in items],
        indicators=list(branch_open_indicators(branch)),
    )


def report_for_week(*, branch, week: Week) -> WeeklyReport | None:
    return WeeklyReport.objects.filter(branch=branch, iso_year=week.iso_year, iso_week=week.iso_week).first()


# ---------------------------------------------------------------- requests and reports
def editable_decision_requests(user) -> QuerySet[DecisionRequest]:
    return DecisionRequest.objects.filter(branch__in=authoring_branches(user))


def answerable_decision_requests(user) -> QuerySet[DecisionRequest]:
    return DecisionRequest.objects.filter(branch__in=answering_branches(user))


def decision_request_list(*, user, filters: dict | None = None, search: str = "", today=None) -> QuerySet[DecisionRequest]:
    filters = filters or {}
    today = today or timezone.localdate()
    qs = visible_decision_requests(user)
    status = filters.get("status")
    if status not in (None, ""):
        qs = qs.filter(status=status)
    if filters.get("overdue") == "yes":
        qs = qs.filter(status=DecisionRequestStatus.SUBMITTED, reply_due_on__lt=today)
    batch = filters.get("batch")
    if batch not in (None, ""):
        qs = qs.filter(branch__batch=batch)
    if search:
        qs = qs.filter(Q(title__icontains=search) | Q(branch__name__icontains=search) | Q(content__icontains=search))
    return qs.select_related("branch", "created_by", "replied_by").order_by("-created_at", "-pk")


def decision_request_detail(*, user, pk) -> DecisionRequest:
    return visible_decision_requests(user).select_related("branch", "created_by", "replied_by").get(pk=pk)


def editable_reports(user) -> QuerySet[Report]:
    return Report.objects.filter(branch__in=authoring_branches(user))


def acknowledgeable_reports(user) -> QuerySet[Report]:
    return Report.objects.filter(branch__in=answering_branches(user))


def report_list(*, user, filters: dict | None = None, search: str = "") -> QuerySet[Report]:
    filters = filters or {}
    qs = visible_reports(user)
    for key in ("status", "kind"):
        value = filters.get(key)
        if value not in (None, ""):
            qs = qs.filter(**{key: value})
    batch = filters.get("batch")
    if batch not in (None, ""):
        qs = qs.filter(branch__batch=batch)
    if search:
        qs = qs.filter(Q(title__icontains=search) | Q(branch__name__icontains=search) | Q(content__icontains=search))
    return qs.select_related("branch", "created_by", "acknowledged_by").order_by("-created_at", "-pk")


def report_detail(*, user, pk) -> Report:
    return visible_reports(user).select_related("branch", "created_by", "acknowledged_by").get(pk=pk)


# ---------------------------------------------------------------- the secretary's home
OPEN_REQUEST_STATUSES = (DecisionRequestStatus.DRAFT, DecisionRequestStatus.SUBMITTED, DecisionRequestStatus.RETURNED)
RECENTLY_ANSWERED_DAYS = 14


@dataclass
class BranchDesk:
    """One branch's section on the secretary's home."""

    branch: Branch
    week: Week
    deadline: datetime.datetime
    report: WeeklyReport | None
    overdue: bool
    problems: list = field(default_factory=list)
    instructions: list = field(default_factory=list)
    requests: list = field(default_factory=list)
    reports: list = field(default_factory=list)


def secretary_desk(user, *, now=None) -> list[BranchDesk]:
    """Every branch ``user`` is secretary of, with this week's report, open problems, open
    instructions and live requests and reports: a fixed number of queries whatever the number
    of branches or records (each kind is read once for all branches, then grouped)."""
    now = now or timezone.now()
    week = current_week(now)
    deadline = week_deadline(week)
    branches = list(authoring_branches(user).select_related("supervising_committee").order_by("batch", "name", "pk"))
    if not branches:
        return []
    ids = [b.pk for b in branches]
    reports = {
        r.branch_id: r
        for r in WeeklyReport.objects.filter(branch_id__in=ids, iso_year=week.iso_year, iso_week=week.iso_week)
    }
    desks = {
        b.pk: BranchDesk(
            branch=b,
            week=week,
            deadline=deadline,
            report=reports.get(b.pk),
            overdue=now > deadline and (reports.get(b.pk) is None or reports[b.pk].status not in FILED_STATUSES),
        )
        for b in branches
    }
    for problem in (
        ProblemCase.objects.filter(branch_id__in=ids)
        .exclude(status=ProblemStatus.CLOSED)
        .select_related("responsible_unit")
        .order_by("deadline", "-created_at", "pk")
    ):
        desks[problem.branch_id].problems.append(problem)
    for instruction in (
        Instruction.objects.filter(branch_id__in=ids)
        .exclude(status=InstructionStatus.VERIFIED)
        .select_related("assignee_unit", "assignee_user", "project")
        .order_by("deadline", "pk")
    ):
        desks[instruction.branch_id].instructions.append(instruction)
    since = now - datetime.timedelta(days=RECENTLY_ANSWERED_DAYS)
    for request in (
        DecisionRequest.objects.filter(branch_id__in=ids)
        .filter(Q(status__in=OPEN_REQUEST_STATUSES) | Q(replied_at__gte=since))
        .order_by("-created_at", "-pk")
    ):
        desks[request.branch_id].requests.append(request)
    for report in (
        Report.objects.filter(branch_id__in=ids)
        .filter(Q(status__in=(ReportStatus.DRAFT, ReportStatus.SUBMITTED)) | Q(acknowledged_at__gte=since))
        .order_by("-created_at", "-pk")
    ):
        desks[report.branch_id].reports.append(report)
    return [desks[pk] for pk in ids]
