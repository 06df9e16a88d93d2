"""Reads of the weekly report: which reports a user may see, edit or review, the list, the
branches whose report is missing, the detail and the form's pre-fill from last week."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from branches.models import Branch, Membership, MembershipRole
from branches.selectors import (
    visible_branches,
)
from mechanisms.common.selectors import _secretary_name, answering_branches, authoring_branches
from mechanisms.weekly.models import (
    WeeklyReport,
    WeeklyReportProblem,
    WeeklyReportReading,
    WeeklyReportStatus,
)
from mechanisms.weekly.rules import FILED_STATUSES, Week, owes_report_q, plan_items
from projects.models import CLOSED_STATUSES, Indicator


def visible_weekly_reports(user) -> QuerySet[WeeklyReport]:
    return WeeklyReport.objects.filter(branch__in=visible_branches(user))


def branch_open_indicators(branch: Branch):
    """The indicators a weekly report of ``branch`` may report: those of its open projects."""
    return (
        Indicator.objects.filter(project__branch=branch)
        .exclude(project__status__in=CLOSED_STATUSES)
        .select_related("project")
        .order_by("project__deadline", "project_id", "id")
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
        # The newest week first, then by branch: the order of index weekly_list_order, so a
        # page is read off the index. (By batch and branch name it sorted a whole week of the
        # province — 10,000 rows compared as text — before the first row: issue 14.)
        .order_by("-iso_year", "-iso_week", "branch_id")
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
        .filter(owes_report_q(week))
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
