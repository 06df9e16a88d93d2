"""Reads of the work briefings: who sees which, and the drafting of a briefing's figures from the
records.

Who: department staff draft, edit and issue the briefings of their jurisdiction; leaders read
the issued ones of theirs; nobody else sees any (a 404).

The figures are the leaders' dashboard's own (``evaluation.dashboard``), computed for the
briefing's jurisdiction and period with the dashboard's ``Scope``: no figure has a second
definition here. The weekly-report rate of a month is the dashboard's weekly rates of the weeks
that start in it and whose report deadline has passed, added up (filed / due); its trend is the
change from the previous period."""

import calendar
import datetime

from django.db.models import QuerySet
from django.db.models.functions import Length
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from branches.models import Light, OrganizationKind
from branches.selectors import (
    can_write_jurisdiction,
    is_office_user,
    jurisdiction_path,
    visible_activities,
    visible_organizations,
)
from evaluation.briefings.models import Briefing, BriefingCounter, BriefingPeriod, BriefingStatus
from evaluation.dashboard import (
    Scope,
    branch_figures,
    instruction_figures,
    light_figures,
    problem_figures,
    report_figures,
    scope_branches,
    scope_instructions,
    scope_links,
    scope_projects,
    unit_league,
    unit_links,
)
from mechanisms.dispatch.selectors import overdue_instructions_q
from mechanisms.weekly.rules import FILED_STATUSES, week_deadline, week_of
from mechanisms.weekly.selectors import visible_weekly_reports

FIGURES_VERSION = 1
NAMED_LIMIT = 10  # red projects, new branches, overdue instructions named in a briefing
LEAGUE_SHOWN = 3  # the best and the slowest units
HIGHLIGHTS = 5  # quotes from weekly reports, and activities
QUOTE_CHARS = 90
BRIEFING_LEVELS = (OrganizationKind.PROVINCE, OrganizationKind.CITY, OrganizationKind.COUNTY)


# ================================================================ who may do what
def can_draft_briefings(user) -> bool:
    """Department staff with a jurisdiction (and superusers)."""
    return is_office_user(user) and can_write_jurisdiction(user)


def visible_briefings(user) -> QuerySet[Briefing]:
    """Staff: every briefing of their jurisdiction; leaders: the issued ones; others: none."""
    path = jurisdiction_path(user)
    if path is None:
        return Briefing.objects.none()
    briefings = Briefing.objects.filter(organization__path__startswith=path)
    if not can_draft_briefings(user):
        briefings = briefings.filter(status=BriefingStatus.ISSUED)
    return briefings


def editable_briefings(user) -> QuerySet[Briefing]:
    """The drafts the user may edit and issue."""
    if not can_draft_briefings(user):
        return Briefing.objects.none()
    return visible_briefings(user).filter(status=BriefingStatus.DRAFT)


def briefing_list(user, *, year: int | None = None) -> QuerySet[Briefing]:
    """The list's rows: one query whatever their number (the organization joined)."""
    rows = visible_briefings(user).select_related("organization")
    if year:
        rows = rows.filter(period_start__year=year)
    return rows.order_by("-period_start", "-id")


def briefing_years(user) -> list[int]:
    return sorted({d.year for d in visible_briefings(user).dates("period_start", "year")}, reverse=True)


def briefing_jurisdictions(user) -> QuerySet:
    """The nodes a staff member may brief on: their own and the cities and counties under it."""
    if not can_draft_briefings(user):
        return visible_organizations(user).none()
    nodes = visible_organizations(user).filter(kind__in=BRIEFING_LEVELS)
    if user.organization_id:
        nodes = nodes | visible_organizations(user).filter(pk=user.organization_id)
    return nodes.order_by("path")


def next_number(organization, year: int) -> int:
    """The number the next briefing issued by ``organization`` in ``year`` would take (what the
    confirmation says; the issue itself takes it under a lock and may find it moved on)."""
    last = BriefingCounter.objects.filter(organization=organization, year=year).values_list("last_number", flat=True).first()
    return (last or 0) + 1


# ================================================================ periods
def period_bounds(period: str, day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The ISO week (Monday to Sunday) or the calendar month that holds ``day``."""
    if period == BriefingPeriod.MONTH:
        last = calendar.monthrange(day.year, day.month)[1]
        return day.replace(day=1), day.replace(day=last)
    start = day - datetime.timedelta(days=day.weekday())
    return start, start + datetime.timedelta(days=6)


def previous_period(period: str, start: datetime.date) -> tuple[datetime.date, datetime.date]:
    return period_bounds(period, start - datetime.timedelta(days=1))


# ================================================================ the figures
def briefing_scope(user, organization, start: datetime.date, end: datetime.date) -> Scope:
    """The dashboard's scope for a briefing: the user's jurisdiction narrowed to ``organization``
    (when it is a node below), over the period, counted as of its last day (or today)."""
    root = user.organization if jurisdiction_path(user) else None
    unit = None if root is not None and organization.pk == root.pk else organization
    today = min(end, timezone.localdate())
    return Scope(user=user, today=today, root=root, unit=unit, period="custom", start=start, end=end)


def _link(scope: Scope, link) -> str:
    """A stored link: the list page behind a figure, or the dashboard of the same scope."""
    return link.url if link.is_list else f"{scope.url()}#breakdown"


def _rate(weeks, start, end) -> dict:
    """The dashboard's weekly rates of the weeks that start in the period and whose report is due
    by now (``week_deadline``: a week still open is left out, not counted as unfiled), summed."""
    now = timezone.now()
    rows = [w for w in weeks if start <= w.week.start <= end and week_deadline(w.week) <= now]
    due = sum(w.active for w in rows)
    filed = sum(w.filed for w in rows)
    return {
        "due": due,
        "filed": filed,
        "percent": round(filed * 100 / due) if due else None,
        "weeks": [{"week": w.week.code, "due": w.active, "filed": w.filed, "percent": w.percent} for w in rows],
    }


def _quote(text: str) -> str:
    """The first sentence of ``text`` (or its first ``QUOTE_CHARS`` characters)."""
    first = (text or "").strip().splitlines()[0] if (text or "").strip() else ""
    if "。" in first:
        first = first[: first.index("。") + 1]
    return Truncator(first).chars(QUOTE_CHARS)


def _unit(row) -> dict:
    return {
        "rank": row.rank,
        "name": row.name,
        "on_time": row.total_on_time,
        "due": row.total_due,
        "percent": row.percent,
        "url": unit_links(row.unit_id)["instructions"],
    }


def draft_figures(user, organization, period: str, start: datetime.date, end: datetime.date) -> dict:
    """Every figure of a briefing, as JSON-ready data with the link each came from."""
    scope = briefing_scope(user, organization, start, end)
    links = {key: _link(scope, link) for key, link in scope_links(scope, week_of(scope.today)).items()}
    branches = branch_figures(scope)
    formed = scope_branches(scope).filter(formed_on__gte=start, formed_on__lte=end)
    new_rows = list(formed.order_by("formed_on", "name").values("pk", "name", "formed_on")[:NAMED_LIMIT])
    lights = light_figures(scope)
    reds = (
        scope_projects(scope).in_progress().filter(light=Light.RED).select_related("branch").order_by("deadline", "name")
    )
    reports = report_figures(scope)
    previous_start, previous_end = previous_period(period, start)
    this_rate = _rate(reports.weeks, start, end)
    previous_rate = _rate(reports.weeks, previous_start, previous_end)
    change = None
    if this_rate["percent"] is not None and previous_rate["percent"] is not None:
        change = this_rate["percent"] - previous_rate["percent"]
    problems = problem_figures(scope)
    instructions = instruction_figures(scope)
    overdue = (
        scope_instructions(scope)
        .filter(overdue_instructions_q(scope.today))
        .select_related("assignee_unit", "branch")
        .order_by("deadline", "pk")[:NAMED_LIMIT]
    )
    league = unit_league(scope)
    # The top half (at most three) are the best; the slowest come from the rest, worst first.
    best = league[: min(LEAGUE_SHOWN, (len(league) + 1) // 2)]
    slowest = [row for row in reversed(league) if row not in best][:LEAGUE_SHOWN]
    return {
        "version": FIGURES_VERSION,
        "as_of": scope.today.isoformat(),
        "dashboard": scope.url(),
        "branches": {
            "active": branches.active,
            "active_url": links["active"],
            "new": formed.count(),
            "new_list": [
                {"name": b["name"], "formed_on": b["formed_on"].isoformat(), "url": reverse("branches:branch_detail", args=[b["pk"]])}
                for b in new_rows
            ],
        },
        "lights": {
            "red": lights.red,
            "yellow": lights.yellow,
            "green": lights.green,
            "urls": {"red": links["red"], "yellow": links["yellow"], "green": links["green"]},
            "reds": [
                {"name": p.name, "branch": p.branch.name, "url": reverse("projects:project_detail", args=[p.pk])}
                for p in reds[:NAMED_LIMIT]
            ],
        },
        "reports": {
            **this_rate,
            "previous": previous_rate,
            "change": change,
            "url": links["reports_filed"],
            "missing_url": links["reports_missing"],
        },
        "problems": {
            "opened": problems.opened,
            "resolved": problems.resolved,
            "open_now": problems.open_now,
            "overdue_now": problems.overdue_now,
            "median_days": str(problems.median_days) if problems.median_days is not None else None,
            "whistles": problems.whistles,
            "whistles_closed": problems.rated,
            "satisfied": problems.satisfied,
            "basically": problems.basically,
            "dissatisfied": problems.dissatisfied,
            "satisfaction_percent": problems.satisfaction_percent,
            "url": links["problems"],
            "whistles_url": links["whistles"],
            "overdue_url": links["overdue_problems"],
        },
        "instructions": {
            "overdue": instructions.overdue,
            "open": instructions.open,
            "url": links["overdue_instructions"],
            "overdue_list": [
                {
                    "title": i.title,
                    "unit": i.assignee_unit.name if i.assignee_unit else "",
                    "branch": i.branch.name,
                    "deadline": i.deadline.isoformat(),
                    "days_overdue": (scope.today - i.deadline).days,
                    "url": reverse("mechanisms:instruction_detail", args=[i.pk]),
                }
                for i in overdue
            ],
        },
        "league": {
            "units": len(league),
            "best": [_unit(row) for row in best],
            "slowest": [_unit(row) for row in slowest],
            "url": f"{scope.url()}#league",
        },
        "highlights": _highlights(user, scope, start, end),
    }


def _highlights(user, scope: Scope, start, end) -> dict:
    """Quotes from the period's filed weekly reports (the fullest, one per branch) and its
    Party-life activities."""
    branches = scope_branches(scope).values("pk")
    reports = (
        visible_weekly_reports(user)
        .filter(branch__in=branches, status__in=FILED_STATUSES, week_start__gte=start, week_start__lte=end)
        .exclude(work_done="")
        .select_related("branch")
        .order_by(Length("work_done").desc(), "pk")[: HIGHLIGHTS * 4]
    )
    quotes, seen = [], set()
    for report in reports:
        if report.branch_id in seen:
            continue
        seen.add(report.branch_id)
        quotes.append({
            "branch": report.branch.name,
            "week": f"{report.iso_year}-W{report.iso_week:02d}",
            "quote": _quote(report.work_done),
            "url": reverse("mechanisms:weeklyreport_detail", args=[report.pk]),
        })
        if len(quotes) == HIGHLIGHTS:
            break
    activities = (
        visible_activities(user)
        .filter(branch__in=branches, held_on__gte=start, held_on__lte=end)
        .select_related("branch")
        .order_by("-held_on", "-pk")[:HIGHLIGHTS]
    )
    return {
        "reports": quotes,
        "activities": [
            {
                "branch": a.branch.name,
                "title": a.title,
                "kind": a.kind,
                "held_on": a.held_on.isoformat(),
                "quote": _quote(a.description),
                "url": reverse("branches:activity_detail", args=[a.pk]),
            }
            for a in activities
        ],
    }
