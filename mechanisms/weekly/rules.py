"""The weekly report's rules that need no database: its statuses and transition table, the
reporting week (ISO week, Monday to Sunday), its deadline (settings.WEEKLY_REPORT_DEADLINE,
Friday 17:00 by default) and how a plan or problem text splits into items.

Services, selectors, the reminders and the dashboard all read these; they import nothing of the
room's services or selectors."""

import datetime
import re
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.models import BRANCH_ACTIVE_STATUSES, branch_active_on_q
from mechanisms.weekly.models import (
    WeeklyReport,
    WeeklyReportStatus,
)

S = WeeklyReportStatus


# The one transition table of the weekly report.
WEEKLY_REPORT_TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.SUBMITTED},
    S.SUBMITTED: {S.REVIEWED, S.RETURNED},
    S.RETURNED: {S.SUBMITTED},
    S.REVIEWED: set(),
}


# Statuses in which the secretary may still change the text.
EDITABLE_STATUSES = frozenset({S.DRAFT, S.RETURNED})


# Statuses that count as "filed" (the department has it, even if it asked for a revision).
FILED_STATUSES = frozenset({S.SUBMITTED, S.RETURNED, S.REVIEWED})


DEFAULT_DEADLINE = {"weekday": 4, "time": "17:00"}  # Friday 17:00


MAX_CHECKLIST_ITEMS = 30


# ---------------------------------------------------------------- weeks and the deadline
@dataclass(frozen=True)
class Week:
    iso_year: int
    iso_week: int

    @property
    def start(self) -> datetime.date:
        return datetime.date.fromisocalendar(self.iso_year, self.iso_week, 1)

    @property
    def end(self) -> datetime.date:
        return self.start + datetime.timedelta(days=6)

    @property
    def code(self) -> str:
        """The value of an HTML ``<input type=week>``: 2025-W07."""
        return f"{self.iso_year}-W{self.iso_week:02d}"

    def previous(self) -> "Week":
        return week_of(self.start - datetime.timedelta(days=7))

    def next(self) -> "Week":
        return week_of(self.start + datetime.timedelta(days=7))

    def __str__(self):
        return self.code


def week_of(day: datetime.date) -> Week:
    iso = day.isocalendar()
    return Week(iso.year, iso.week)


def current_week(now: datetime.datetime | None = None) -> Week:
    """The ISO week of ``now`` in the product's time zone (a Monday 00:30 in Shanghai is
    still Sunday in UTC)."""
    return week_of(timezone.localdate(now or timezone.now()))


def parse_week(code: str | None) -> Week | None:
    """``2025-W07`` (or ``2025-W7``) → Week; None when it is not a valid ISO week."""
    match = re.fullmatch(r"\s*(\d{4})-?W(\d{1,2})\s*", code or "")
    if not match:
        return None
    year, week = int(match.group(1)), int(match.group(2))
    try:
        datetime.date.fromisocalendar(year, week, 1)
    except ValueError:
        return None
    return Week(year, week)


def weekly_deadline_setting() -> tuple[int, datetime.time]:
    """(weekday, time) of the weekly report deadline: 0 is Monday; default Friday 17:00."""
    conf = {**DEFAULT_DEADLINE, **(getattr(settings, "WEEKLY_REPORT_DEADLINE", None) or {})}
    hour, minute = (int(part) for part in str(conf["time"]).split(":")[:2])
    return int(conf["weekday"]), datetime.time(hour, minute)


def week_deadline(week: Week) -> datetime.datetime:
    """When the report of ``week`` is due: the configured weekday and time of that week."""
    weekday, at = weekly_deadline_setting()
    day = week.start + datetime.timedelta(days=weekday)
    return timezone.make_aware(datetime.datetime.combine(day, at), timezone.get_default_timezone())


def report_week(report: WeeklyReport) -> Week:
    return Week(report.iso_year, report.iso_week)


_BULLET = re.compile(r"^\s*(?:[-*•·●▪]+|\(?\d{1,2}[.、)）]|[（(]\d{1,2}[)）]|[一二三四五六七八九十]+[、.])\s*")


# ---------------------------------------------------------------- the duty to report
# A branch owes the report of every week it was at work in *whole*: its duty starts with the first
# full reporting week after activation (the week of its formation date when that is a Monday,
# else the next week) and ends with the last week it was still at work on Sunday. It may still
# file a partial first week by choice; such a report is never late. It may not file a week that
# ended before it was activated, nor a future week.
def first_reporting_week(formed_on: datetime.date | None) -> Week | None:
    if formed_on is None:
        return None
    week = week_of(formed_on)
    return week if formed_on == week.start else week.next()


def reporting_weeks(formed_on: datetime.date | None, ended_on: datetime.date) -> list[Week]:
    """The weeks a branch formed on ``formed_on`` owed over its life up to ``ended_on`` (the day
    it concluded, or today while it lives): from its first reporting week to the last week it was
    still at work on Sunday — ended after that Sunday, as ``owes_report_q`` reads it through
    ``branch_active_on_q``. No formation date: nothing can be counted."""
    week = first_reporting_week(formed_on)
    weeks = []
    while week is not None and week.end < ended_on:
        weeks.append(week)
        week = week.next()
    return weeks


def owes_report(branch, week: Week) -> bool:
    """``branch`` (active) owes ``week``'s report."""
    return branch.formed_on is None or branch.formed_on <= week.start


def owes_report_q(week: Week, prefix: str = "") -> Q:
    """The branch (at ``prefix``) owes ``week``'s report: at work on the week's last day
    (branches.models.branch_active_on_q) and formed by the week's Monday."""
    formed_by_monday = Q(**{f"{prefix}formed_on__isnull": True}) | Q(**{f"{prefix}formed_on__lte": week.start})
    return branch_active_on_q(week.end, prefix) & formed_by_monday


def filing_refusal(branch, week: Week, *, now=None) -> str | None:
    """Why ``branch`` may not file ``week``'s report (a translated sentence), or None."""
    if branch.status not in BRANCH_ACTIVE_STATUSES:
        return _("Weekly reports are filed only while the branch is active.")
    if week.start > current_week(now).start:
        return _("A weekly report cannot be filed for a future week.")
    if branch.formed_on is not None and week.end < branch.formed_on:
        return _("The branch was activated on %(day)s: it files no report for an earlier week.") % {
            "day": branch.formed_on.isoformat()
        }
    return None


def plan_items(text: str) -> list[str]:
    """The items of a plan written one per line, without their bullets or numbers."""
    items = []
    for line in (text or "").splitlines():
        item = _BULLET.sub("", line).strip()
        if item:
            items.append(item[:300])
    return items[:MAX_CHECKLIST_ITEMS]


def problem_lines(text: str) -> list[str]:
    return plan_items(text)
