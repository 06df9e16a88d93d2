"""Reads of the reminders: the log department staff see, and what a 调度长 may nudge about.

The log starts from ``visible_deliveries``: department staff see the reminders of the users in
their jurisdiction (the same subtree as ``visible_users``); nobody else sees the log at all.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from branches.models import Branch, Membership, MembershipRole
from branches.roles import Role
from branches.selectors import has_role, jurisdiction_path, visible_users
from mechanisms.common.models import RowChange
from mechanisms.common.selectors import unit_liaisons
from mechanisms.dispatch.models import Instruction
from mechanisms.reminders.models import Reminder, ReminderDelivery, ReminderKind
from mechanisms.reminders.rules import (
    NUDGE_INSTRUCTION,
    NUDGE_WEEKLY,
    OPEN_INSTRUCTION,
    OPEN_PROJECT,
    Context,
    config,
    last_report_week,
    nudge_interval,
)
from mechanisms.weekly.models import WeeklyReport
from mechanisms.weekly.rules import owes_report_q, week_of
from projects.models import Project


def can_view_reminder_log(user) -> bool:
    """Department staff (and superusers): leaders read dashboards, not the delivery log."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or (has_role(user, Role.DEPARTMENT_STAFF) and jurisdiction_path(user) is not None)


def visible_reminders(user) -> QuerySet[Reminder]:
    if not can_view_reminder_log(user):
        return Reminder.objects.none()
    if user.is_superuser:
        return Reminder.objects.all()
    return Reminder.objects.filter(recipient__in=visible_users(user))


def visible_deliveries(user) -> QuerySet[ReminderDelivery]:
    if not can_view_reminder_log(user):
        return ReminderDelivery.objects.none()
    if user.is_superuser:
        return ReminderDelivery.objects.all()
    return ReminderDelivery.objects.filter(reminder__recipient__in=visible_users(user))


def reminder_log(*, user, filters: dict | None = None, search: str = "") -> QuerySet[ReminderDelivery]:
    """One row per reminder and channel, newest first; filters: kind, channel, status, date
    range (of the reminder, local dates), and a search on the recipient or the title."""
    filters = filters or {}
    qs = visible_deliveries(user).select_related("reminder", "reminder__recipient", "reminder__sender")
    if filters.get("kind"):
        qs = qs.filter(reminder__kind=filters["kind"])
    if filters.get("channel"):
        qs = qs.filter(channel=filters["channel"])
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    tz = timezone.get_current_timezone()
    if filters.get("date_from"):
        start = datetime.datetime.combine(filters["date_from"], datetime.time.min, tzinfo=tz)
        qs = qs.filter(reminder__created_at__gte=start)
    if filters.get("date_to"):
        end = datetime.datetime.combine(filters["date_to"] + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
        qs = qs.filter(reminder__created_at__lt=end)
    if search:
        qs = qs.filter(
            Q(reminder__recipient__full_name__icontains=search)
            | Q(reminder__recipient__username__icontains=search)
            | Q(reminder__title__icontains=search)
            | Q(target__icontains=search)
        )
    return qs.order_by("-reminder__created_at", "-reminder_id", "channel")


def waiting_count(user) -> int:
    """Reminders recorded but not yet delivered (held by quiet hours, or due this minute)."""
    return visible_reminders(user).filter(status="pending").count()


def reminder_detail(*, user, pk) -> Reminder:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(visible_reminders(user).select_related("recipient", "sender"), pk=pk)


def reminder_changes(reminder: Reminder) -> list[RowChange]:
    """Every write of ``reminder`` itself — made, sent, postponed, by the ORM or the sweep's
    SQL — oldest first, as the database's trigger recorded it (PostgreSQL; none on SQLite)."""
    return list(RowChange.objects.filter(table=Reminder._meta.db_table, row_id=reminder.pk).order_by("changed_at", "id"))


def delivery_history(reminder: Reminder) -> dict[int, list]:
    """Every change of each delivery of ``reminder`` (who resent it, tries, errors), oldest first."""
    rows = (
        ReminderDelivery.history.filter(reminder_id=reminder.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    result: dict[int, list] = {}
    for row in rows:
        result.setdefault(row.id, []).append(row)
    return result


# ---------------------------------------------------------------- nudges
@dataclass
class NudgeTarget:
    target: str  # NUDGE_WEEKLY or NUDGE_INSTRUCTION
    pk: int
    object_key: str
    subject: str  # the branch or the instruction
    detail: str  # the week, or the deadline and project
    recipients: str  # who would receive it
    next_at: datetime.datetime | None = None


@dataclass
class NudgePanel:
    weekly: list
    instructions: list

    def __bool__(self):
        return bool(self.weekly or self.instructions)


NUDGE_LIST_LIMIT = 20


def nudge_panel(user, *, now: datetime.datetime | None = None) -> NudgePanel:
    """What the 调度长 ``user`` may nudge about now: branches of their open projects that missed
    the last weekly-report deadline (their secretaries), and overdue instructions of their
    projects (the assignee, or the liaisons of the unit). At most four queries whatever the
    numbers (secretaries, instructions, liaisons of the units, the last nudges)."""

    if not has_role(user, Role.DISPATCH_CHIEF):
        return NudgePanel([], [])
    now = now or timezone.now()
    local = timezone.localtime(now)
    # No calendar needed: the report week depends on the deadline setting only.
    ctx = Context(now=now, today=local.date(), local_time=local.time(), cal=None, cfg=config())
    week = last_report_week(ctx)
    mine = Project.objects.filter(dispatch_chief=user, status__in=OPEN_PROJECT)
    late = branches_missing_report(week.monday).filter(Exists(mine.filter(branch=OuterRef("pk"))))
    secretaries = (
        Membership.objects.filter(
            branch__in=late, role=MembershipRole.SECRETARY, left_on__isnull=True, person__user__is_active=True
        )
        .order_by("branch__name", "branch_id", "pk")
        .values_list("branch_id", "branch__name", "person__user__full_name", "person__user__username")
    )
    by_branch: dict[int, NudgeTarget] = {}
    for branch_id, branch_name, full_name, username in secretaries[: NUDGE_LIST_LIMIT * 3]:
        target = by_branch.get(branch_id)
        if target is None:
            if len(by_branch) == NUDGE_LIST_LIMIT:
                continue
            target = by_branch[branch_id] = NudgeTarget(
                NUDGE_WEEKLY, branch_id, f"branch:{branch_id}", branch_name, week.label, ""
            )
        target.recipients = "、".join(filter(None, [target.recipients, full_name or username]))
    weekly = list(by_branch.values())
    instructions = list(
        Instruction.objects.filter(project__in=mine, status__in=OPEN_INSTRUCTION, deadline__lt=ctx.today)
        .select_related("project", "assignee_user", "assignee_unit")
        .order_by("deadline", "pk")[:NUDGE_LIST_LIMIT]
    )
    unit_ids = {i.assignee_unit_id for i in instructions if not i.assignee_user_id and i.assignee_unit_id}
    liaisons: dict[int, list[str]] = {}
    for liaison in unit_liaisons(unit_ids) if unit_ids else []:
        liaisons.setdefault(liaison.organization_id, []).append(liaison.get_full_name() or liaison.get_username())
    overdue = []
    for i in instructions:
        if i.assignee_user_id:
            who = [i.assignee_user.get_full_name() or i.assignee_user.get_username()] if i.assignee_user.is_active else []
        else:
            who = [f"{i.assignee_unit}：{name}" for name in liaisons.get(i.assignee_unit_id, [])]
        if who:
            overdue.append(
                NudgeTarget(NUDGE_INSTRUCTION, i.pk, f"instruction:{i.pk}", i.title, f"{i.project.name} · {i.deadline:%Y-%m-%d}", "、".join(who))
            )
    targets = weekly + overdue
    if targets:
        next_at = nudge_next_possible(sender=user, object_keys=[t.object_key for t in targets], now=ctx.now)
        for t in targets:
            t.next_at = next_at.get(t.object_key)
    return NudgePanel(weekly, overdue)


def branches_missing_report(monday: datetime.date):
    """Active branches with no report filed for the week of ``monday`` (a report counts as filed
    once submitted, even if it was returned for revision afterwards)."""
    year, week, _weekday = monday.isocalendar()
    filed = WeeklyReport.objects.filter(branch=OuterRef("pk"), iso_year=year, iso_week=week, submitted_at__isnull=False)
    return Branch.objects.active().filter(owes_report_q(week_of(monday))).exclude(Exists(filed))


def nudge_next_possible(*, sender, object_keys, now: datetime.datetime | None = None) -> dict[str, datetime.datetime]:
    """For each object key the sender nudged about within the interval: when the next is possible."""
    now = now or timezone.now()
    interval = nudge_interval()
    rows = (
        Reminder.objects.filter(kind=ReminderKind.NUDGE, sender=sender, object_key__in=list(object_keys), created_at__gt=now - interval)
        .order_by()
        .values_list("object_key", "created_at")
    )
    result: dict[str, datetime.datetime] = {}
    for key, created in rows:
        result[key] = max(result.get(key, created + interval), created + interval)
    return result
