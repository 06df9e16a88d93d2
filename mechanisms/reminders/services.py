"""The reminder sweep (DESIGN §4): compute what is due, record it once, deliver it once.

The sweep runs every few minutes (Celery beat). Each rule is one ``INSERT … SELECT … ON
CONFLICT DO NOTHING`` into the reminder table keyed by (recipient, kind, object, period): a
sweep that runs twice, two beats by mistake or two racing workers insert each reminder once,
and the number of queries does not grow with the number of projects or instructions. Due
reminders are then claimed in batches under ``SELECT … FOR UPDATE SKIP LOCKED``; in the same
transaction the in-app notification is written (so in-app delivery is exactly once) and one
delivery row per further channel (e-mail, webhook) is created. Those are sent by a Celery
task after commit; a delivery that fails is retried with backoff by later sweeps, and one
whose task was lost (broker down, worker killed) is queued again by a later sweep.

Times are wall-clock times in ``settings.TIME_ZONE`` (Asia/Shanghai); "working day" is
mechanisms.common.workdays (Monday–Friday, minus holidays, plus make-up workdays).
"""

import datetime
import logging
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import CharField, DateTimeField, Exists, F, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat, Left
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from branches.models import Branch, MembershipRole
from branches.roles import Role
from core.queue import enqueue_on_commit, send_task_now, task_named
from core.workflow import TransitionError
from mechanisms.common.channels import DeliveryError, DeliveryRefused, send_email, send_webhook
from mechanisms.common.models import (
    SEND_NOTIFICATION_EMAILS,
    Notification,
    NotificationKind,
    NotificationPreference,
    wants_email_q,
)
from mechanisms.common.selectors import unit_liaisons
from mechanisms.dispatch.models import Instruction
from mechanisms.problems.models import ProblemCase, ProblemStatus
from mechanisms.reminders.models import (
    Channel,
    DeliveryStatus,
    Reminder,
    ReminderDelivery,
    ReminderKind,
    ReminderStatus,
)
from mechanisms.reminders.rules import (
    DELIVER_REMINDERS,
    NUDGE_INSTRUCTION,
    NUDGE_WEEKLY,
    OPEN_INSTRUCTION,
    OPEN_PROJECT,
    TITLE_MAX,
    Context,
    _iso_week,
    config,
    digest_from,
    first_working_day_of_week,
    idempotency_key,
    in_quiet_hours,
    last_report_week,
    make_context,
    quiet_release_at,
    report_week,
    secretary_reminder_day,
)
from mechanisms.reminders.selectors import branches_missing_report, nudge_next_possible
from projects.models import Project

logger = logging.getLogger(__name__)


User = get_user_model()


@dataclass
class SweepResult:
    created: dict = field(default_factory=dict)
    delivered_in_app: int = 0
    postponed: int = 0
    queued: int = 0
    notification_emails: int = 0

    @property
    def total_created(self) -> int:
        return sum(self.created.values())


def _url_parts(name: str) -> tuple[str, str]:
    """The URL of ``name`` split around its pk, so SQL can splice ids in ('' if not routed)."""
    try:
        marker = reverse(name, args=[987654321])
    except NoReverseMatch:
        return "", ""
    prefix, _sep, suffix = marker.partition("987654321")
    return prefix, suffix


def _url_expr(name: str, pk_expr):
    prefix, suffix = _url_parts(name)
    if not prefix:
        return Value("")
    return Concat(Value(prefix), Cast(pk_expr, CharField()), Value(suffix), output_field=CharField())


def _safe_reverse(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


def _title(prefix: str, expr):
    return Left(Concat(Value(prefix), expr, output_field=CharField()), TITLE_MAX)


_COLUMNS = ("recipient_id", "kind", "object_key", "period", "title", "body", "url", "due_at", "status", "created_at")


def _insert_select(qs, *, ctx: Context, recipient, kind: str, label: str, pk, period, title, body, url) -> int:
    """INSERT one reminder per row of ``qs`` (ON CONFLICT DO NOTHING); returns how many are new."""
    now_value = Value(ctx.now, output_field=DateTimeField())
    rows = (
        qs.order_by()
        .annotate(
            r_recipient=recipient,
            r_kind=Value(kind, output_field=CharField()),
            r_object=Concat(Value(f"{label}:"), Cast(pk, CharField()), output_field=CharField()),
            r_period=period if hasattr(period, "resolve_expression") else Value(str(period), output_field=CharField()),
            r_title=title,
            r_body=body if hasattr(body, "resolve_expression") else Value(str(body), output_field=CharField()),
            r_url=url,
            r_due=now_value,
            r_status=Value(ReminderStatus.PENDING, output_field=CharField()),
            r_created=now_value,
        )
        .filter(r_recipient__isnull=False)
        .values_list(
            "r_recipient", "r_kind", "r_object", "r_period", "r_title", "r_body", "r_url", "r_due", "r_status", "r_created"
        )
    )
    sql, params = rows.query.sql_with_params()
    table = connection.ops.quote_name(Reminder._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in _COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({columns}) {sql} ON CONFLICT DO NOTHING", params)
        return max(cursor.rowcount, 0)


def _insert_rows(rows: list[Reminder]) -> int:
    """Insert Python-built reminders (digests); existing keys are skipped. Returns new count."""
    if not rows:
        return 0
    table = connection.ops.quote_name(Reminder._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in _COLUMNS)
    inserted = 0
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 1000):
            chunk = rows[start : start + 1000]
            placeholders = ", ".join(["(" + ", ".join(["%s"] * len(_COLUMNS)) + ")"] * len(chunk))
            params = []
            for r in chunk:
                params += [r.recipient_id, r.kind, r.object_key, r.period, r.title[:TITLE_MAX], r.body, r.url, r.due_at,
                           ReminderStatus.PENDING, r.due_at]
            cursor.execute(f"INSERT INTO {table} ({columns}) VALUES {placeholders} ON CONFLICT DO NOTHING", params)
            inserted += max(cursor.rowcount, 0)
    return inserted


# ---------------------------------------------------------------- the rules
def rule_dispatch(ctx: Context) -> dict[str, int]:
    """A project's dispatch session is due by its cadence: the 调度长 is told one working day
    before and on the day; overdue → every working day until a session is recorded.

    A due date on a weekend or holiday counts from the next working day: told the working day
    before that, "due today" on it, overdue from the working day after."""
    if not ctx.daily_window():
        return {}
    cal = ctx.cal
    notice_until = cal.add_working_days(ctx.today, ctx.cfg["dispatch_notice_workdays"])
    prev_wd = cal.previous_working_day(ctx.today)
    base = Project.objects.filter(status__in=OPEN_PROJECT, dispatch_chief__isnull=False, next_dispatch_on__isnull=False)
    url = _url_expr("projects:project_detail", F("pk"))
    common = {"ctx": ctx, "recipient": F("dispatch_chief_id"), "label": "project", "pk": F("pk"), "url": url}
    counts = {}
    if ctx.enabled(ReminderKind.DISPATCH_DUE_SOON):
        counts[ReminderKind.DISPATCH_DUE_SOON] = _insert_select(
            base.filter(next_dispatch_on__gt=ctx.today, next_dispatch_on__lte=notice_until),
            kind=ReminderKind.DISPATCH_DUE_SOON,
            # Keyed by the due date: a session recorded meanwhile moves it, and the new date is
            # announced in its turn.
            period=Cast(F("next_dispatch_on"), CharField()),
            title=_title(_("Dispatch session due soon: "), F("name")),
            body=Concat(
                Value(_("The next dispatch session of this project is due on ")),
                Cast(F("next_dispatch_on"), CharField()),
                Value(_(". Record it by its cadence.")),
                output_field=CharField(),
            ),
            **common,
        )
    if ctx.enabled(ReminderKind.DISPATCH_DUE):
        counts[ReminderKind.DISPATCH_DUE] = _insert_select(
            base.filter(next_dispatch_on__gt=prev_wd, next_dispatch_on__lte=ctx.today),
            kind=ReminderKind.DISPATCH_DUE,
            period=ctx.today.isoformat(),
            title=_title(_("Dispatch session due today: "), F("name")),
            body=_("Record the dispatch session of this project today."),
            **common,
        )
    if ctx.enabled(ReminderKind.DISPATCH_OVERDUE):
        counts[ReminderKind.DISPATCH_OVERDUE] = _insert_select(
            base.filter(next_dispatch_on__lte=prev_wd),
            kind=ReminderKind.DISPATCH_OVERDUE,
            period=ctx.today.isoformat(),
            title=_title(_("Dispatch session overdue: "), F("name")),
            body=Concat(
                Value(_("The dispatch session of this project was due on ")),
                Cast(F("next_dispatch_on"), CharField()),
                Value(_("; record one as soon as possible.")),
                output_field=CharField(),
            ),
            **common,
        )
    return counts


def rule_instructions(ctx: Context) -> dict[str, int]:
    """24 hours before its deadline → the assignee (a person, or the liaisons of a unit);
    overdue → the assignee and the 调度长, every working day."""
    cfg = ctx.cfg
    due_time = cfg["instruction_deadline_time"]
    # The one deadline date whose due moment falls within the next 24 hours (or has not passed).
    soon_date = ctx.today if ctx.local_time < due_time else ctx.today + datetime.timedelta(days=1)
    window_open = ctx.at(soon_date, due_time) - datetime.timedelta(hours=cfg["instruction_due_soon_hours"]) <= ctx.now
    url = "mechanisms:instruction_detail"
    counts = {}

    def to_assignees(instructions, *, kind, period, title_prefix, body):
        by_deadline = period == "deadline"
        n = _insert_select(
            instructions.filter(assignee_user__isnull=False, assignee_user__is_active=True),
            ctx=ctx,
            recipient=F("assignee_user_id"),
            kind=kind,
            label="instruction",
            pk=F("pk"),
            period=Cast(F("deadline"), CharField()) if by_deadline else period,
            title=_title(title_prefix, F("title")),
            body=body,
            url=_url_expr(url, F("pk")),
        )
        # Unit assignments reach the unit's liaisons: one row per (liaison, instruction).
        liaisons = User.objects.filter(
            groups__name=Role.UNIT_LIAISON,
            is_active=True,
            organization__instructions__in=instructions.filter(assignee_user__isnull=True),
        )
        liaison_period = (
            Cast(F("organization__instructions__deadline"), CharField()) if by_deadline else period
        )
        n += _insert_select(
            liaisons,
            ctx=ctx,
            recipient=F("pk"),
            kind=kind,
            label="instruction",
            pk=F("organization__instructions__pk"),
            period=liaison_period,
            title=_title(title_prefix, F("organization__instructions__title")),
            body=body,
            url=_url_expr(url, F("organization__instructions__pk")),
        )
        return n

    open_instructions = Instruction.objects.filter(status__in=OPEN_INSTRUCTION)
    if window_open and ctx.enabled(ReminderKind.INSTRUCTION_DUE_SOON):
        due_soon = open_instructions.filter(deadline=soon_date)
        counts[ReminderKind.INSTRUCTION_DUE_SOON] = to_assignees(
            due_soon,
            kind=ReminderKind.INSTRUCTION_DUE_SOON,
            # Keyed by the deadline: an extended deadline is announced again.
            period="deadline",
            title_prefix=_("Instruction due within 24 hours: "),
            body=_("Complete the instruction and report the result before its deadline (%(date)s %(time)s).")
            % {"date": soon_date.isoformat(), "time": due_time.strftime("%H:%M")},
        )
    if ctx.daily_window() and ctx.enabled(ReminderKind.INSTRUCTION_OVERDUE):
        overdue = open_instructions.filter(deadline__lt=ctx.today)
        period = ctx.today.isoformat()
        n = to_assignees(
            overdue,
            kind=ReminderKind.INSTRUCTION_OVERDUE,
            period=period,
            title_prefix=_("Instruction overdue: "),
            body=_("This instruction is past its deadline; complete it and report the result."),
        )
        # The 调度长 hears of every overdue instruction of their projects, daily.
        n += _insert_select(
            overdue.filter(project__dispatch_chief__isnull=False),
            ctx=ctx,
            recipient=F("project__dispatch_chief_id"),
            kind=ReminderKind.INSTRUCTION_OVERDUE,
            label="instruction",
            pk=F("pk"),
            period=period,
            title=_title(_("Instruction overdue (escalated): "), F("title")),
            body=_("An instruction of your project is past its deadline."),
            url=_url_expr(url, F("pk")),
        )
        counts[ReminderKind.INSTRUCTION_OVERDUE] = n
    return counts


def rule_weekly_reports(ctx: Context) -> dict[str, int]:
    """Deadline day at 09:00 → the secretary of each branch that has not filed; after the
    deadline → one digest to each 调度长 listing their branches still missing."""
    counts = {}
    this_week = report_week(ctx, ctx.today - datetime.timedelta(days=ctx.today.weekday()))
    remind_day = secretary_reminder_day(ctx.cal, this_week)
    if (
        ctx.enabled(ReminderKind.WEEKLY_REPORT_DUE)
        and remind_day == ctx.today
        and ctx.local_time >= ctx.cfg["weekly_report_time"]
        and ctx.now < this_week.deadline
    ):
        missing = branches_missing_report(this_week.monday).filter(
            memberships__role=MembershipRole.SECRETARY,
            memberships__left_on__isnull=True,
            memberships__person__user__isnull=False,
            memberships__person__user__is_active=True,
        )
        local_deadline = timezone.localtime(this_week.deadline)
        when = (
            _("today at %(time)s") % {"time": f"{local_deadline:%H:%M}"}
            if remind_day == this_week.deadline_day
            else _("on %(date)s at %(time)s") % {"date": f"{local_deadline:%Y-%m-%d}", "time": f"{local_deadline:%H:%M}"}
        )
        counts[ReminderKind.WEEKLY_REPORT_DUE] = _insert_select(
            missing,
            ctx=ctx,
            recipient=F("memberships__person__user_id"),
            kind=ReminderKind.WEEKLY_REPORT_DUE,
            label="branch",
            pk=F("pk"),
            period=this_week.label,
            title=_title(_("Weekly report due: "), F("name")),
            body=_("This week's report is due %(when)s and has not been submitted yet.") % {"when": when},
            url=Value(_safe_reverse("mechanisms:secretary_home")),
        )
    week = last_report_week(ctx)
    send_from = digest_from(ctx, week)
    # Sent at the first sweep after the deadline; a sweep that was down catches up until the end
    # of the next working day, not later (a week-old digest would only confuse).
    send_until = ctx.at(ctx.cal.next_working_day(timezone.localtime(send_from).date(), inclusive=False), datetime.time.max)
    if ctx.enabled(ReminderKind.WEEKLY_REPORT_MISSING) and send_from <= ctx.now <= send_until:
        rows = (
            Project.objects.filter(
                status__in=OPEN_PROJECT,
                dispatch_chief__isnull=False,
                dispatch_chief__is_active=True,
                branch__in=branches_missing_report(week.monday),
            )
            .order_by("dispatch_chief_id", "branch__name", "branch_id")
            .values_list("dispatch_chief_id", "branch_id", "branch__name")
            .distinct()
        )
        by_chief: dict[int, dict[int, str]] = {}
        for chief_id, branch_id, branch_name in rows.iterator(chunk_size=5000):
            by_chief.setdefault(chief_id, {})[branch_id] = branch_name
        url = _safe_reverse("mechanisms:cockpit")
        reminders = [
            Reminder(
                recipient_id=chief_id,
                kind=ReminderKind.WEEKLY_REPORT_MISSING,
                object_key="-",
                period=week.label,
                title=_("%(count)d branches have not filed the weekly report of %(week)s")
                % {"count": len(names), "week": week.label},
                body="\n".join(f"· {name}" for name in names.values()),
                url=url,
                due_at=ctx.now,
            )
            for chief_id, names in by_chief.items()
        ]
        counts[ReminderKind.WEEKLY_REPORT_MISSING] = _insert_rows(reminders)
    return counts


def rule_project_red(ctx: Context) -> dict[str, int]:
    """A project turning red → its 调度长 at once (once per red spell: keyed by its first day)."""
    if not ctx.enabled(ReminderKind.PROJECT_RED):
        return {}
    qs = Project.objects.filter(
        status__in=OPEN_PROJECT, light="red", red_since__isnull=False, dispatch_chief__isnull=False
    )
    return {
        ReminderKind.PROJECT_RED: _insert_select(
            qs,
            ctx=ctx,
            recipient=F("dispatch_chief_id"),
            kind=ReminderKind.PROJECT_RED,
            label="project",
            pk=F("pk"),
            period=Cast(F("red_since"), CharField()),
            title=_title(_("Project turned red: "), F("name")),
            body=_("The project has fallen behind its schedule. Consider a dispatch session."),
            url=_url_expr("projects:project_detail", F("pk")),
        )
    }


def rule_problems(ctx: Context) -> dict[str, int]:
    """A problem not analysed within its limit (working days after it was reported), or not
    accepted by its unit by its accept-by date → the 调度长 of its project (or, for a problem
    raised for the whole branch, of the branch's open projects). Once per lapse."""
    if not ctx.daily_window() or not ctx.enabled(ReminderKind.PROBLEM_UNATTENDED):
        return {}
    cutoff_day = ctx.today
    for _i in range(ctx.cfg["problem_analyse_workdays"]):
        cutoff_day = ctx.cal.previous_working_day(cutoff_day)
    not_analysed = ProblemCase.objects.filter(status=ProblemStatus.REPORTED, created_at__lt=ctx.at(cutoff_day, datetime.time(0, 0)))
    not_accepted = ProblemCase.objects.filter(status=ProblemStatus.ANALYSED, accept_due_on__lt=ctx.today)
    url = "mechanisms:problem_detail"
    total = 0
    for qs, period, prefix in (
        (not_analysed, Value("not_analysed", output_field=CharField()), _("Problem not analysed in time: ")),
        # Keyed by the accept-by date: a problem assigned again after an objection can lapse again.
        (
            not_accepted,
            Concat(Value("not_accepted:"), Cast(F("accept_due_on"), CharField()), output_field=CharField()),
            _("Problem not accepted by its unit in time: "),
        ),
    ):
        common = {
            "ctx": ctx,
            "kind": ReminderKind.PROBLEM_UNATTENDED,
            "label": "problemcase",
            "period": period,
            "pk": F("pk"),
            "title": _title(prefix, F("title")),
            "body": _("Follow up the problem so that it is analysed and taken on."),
            "url": _url_expr(url, F("pk")),
        }
        total += _insert_select(
            qs.filter(project__dispatch_chief__isnull=False), recipient=F("project__dispatch_chief_id"), **common
        )
        # No project: every 调度长 of the branch's open projects (one filter: one join).
        total += _insert_select(
            qs.filter(
                project__isnull=True,
                branch__projects__dispatch_chief__isnull=False,
                branch__projects__status__in=OPEN_PROJECT,
            ),
            recipient=F("branch__projects__dispatch_chief_id"),
            **common,
        )
    return {ReminderKind.PROBLEM_UNATTENDED: total}


def rule_monday_digest(ctx: Context) -> dict[str, int]:
    """Monday 08:30 (the first working day of the week when Monday is a holiday): every 调度长
    gets a digest of their open projects, worst light first."""
    if not ctx.enabled(ReminderKind.MONDAY_DIGEST):
        return {}
    if first_working_day_of_week(ctx.cal, ctx.today) != ctx.today or ctx.local_time < ctx.cfg["monday_digest_time"]:
        return {}
    rows = (
        Project.objects.filter(status__in=OPEN_PROJECT, dispatch_chief__isnull=False, dispatch_chief__is_active=True)
        .order_by("dispatch_chief_id", "light", "deadline")
        .values_list("dispatch_chief_id", "name", "light", "deadline", "next_dispatch_on")
    )
    light_names = {"red": _("red"), "yellow": _("yellow"), "green": _("green")}
    order = {"red": 0, "yellow": 1, "green": 2}
    digest: dict[int, list[tuple]] = {}
    for chief_id, name, light, deadline, next_dispatch in rows.iterator(chunk_size=5000):
        digest.setdefault(chief_id, []).append((order.get(light, 3), deadline, name, light, next_dispatch))
    period = _iso_week(ctx.today)
    url = _safe_reverse("mechanisms:cockpit")
    reminders = []
    for chief_id, items in digest.items():
        items.sort(key=lambda item: (item[0], item[1]))
        red = sum(1 for item in items if item[3] == "red")
        due = sum(1 for item in items if item[4] and item[4] <= ctx.today)
        lines = [
            "· "
            + _("%(name)s — %(light)s, deadline %(deadline)s, next dispatch %(next)s")
            % {"name": name, "light": light_names.get(light, light), "deadline": deadline, "next": next_dispatch or "—"}
            for _o, deadline, name, light, next_dispatch in items
        ]
        reminders.append(
            Reminder(
                recipient_id=chief_id,
                kind=ReminderKind.MONDAY_DIGEST,
                object_key="-",
                period=period,
                title=_("This week's projects: %(count)d, %(red)d red, %(due)d sessions due")
                % {"count": len(items), "red": red, "due": due},
                body="\n".join(lines),
                url=url,
                due_at=ctx.now,
            )
        )
    return {ReminderKind.MONDAY_DIGEST: _insert_rows(reminders)}


RULES = (rule_dispatch, rule_instructions, rule_weekly_reports, rule_project_red, rule_problems, rule_monday_digest)


# ---------------------------------------------------------------- delivery
def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _postpone_quiet_hours(ctx: Context, result: SweepResult, *, ids=None) -> list[int]:
    """Move the due reminders of users now inside their quiet hours to when those end; returns
    the users held. Few users set quiet hours, so this is one small read and an UPDATE per
    release time, once per sweep rather than per batch."""
    held: dict[datetime.datetime, list[int]] = {}
    prefs = NotificationPreference.objects.filter(quiet_start__isnull=False, quiet_end__isnull=False).only(
        "user_id", "quiet_start", "quiet_end"
    )
    for pref in prefs.iterator(chunk_size=2000):
        if in_quiet_hours(pref, ctx.local_time):
            held.setdefault(quiet_release_at(ctx, pref), []).append(pref.user_id)
    for release_at, user_ids in held.items():
        due = Reminder.objects.filter(status=ReminderStatus.PENDING, due_at__lte=ctx.now, recipient_id__in=user_ids)
        if ids is not None:
            due = due.filter(id__in=ids)
        result.postponed += due.update(due_at=release_at)
    return [user_id for user_ids in held.values() for user_id in user_ids]


def _claim_and_deliver(ctx: Context, result: SweepResult, *, ids=None, held_users=()) -> tuple[int, list[int]]:
    """Claim one batch of due reminders; write in-app notifications and channel deliveries.
    Returns (how many were claimed, ids of the deliveries to send after commit).

    Set-based: three statements per batch whatever its size — the claim (an UPDATE of rows
    picked with FOR UPDATE SKIP LOCKED, so two sweeps never claim the same), the in-app
    notifications, and one delivery row per channel each recipient wants."""
    if connection.vendor != "postgresql":
        return _claim_and_deliver_portable(ctx, result, ids=ids, held_users=held_users)
    reminder, user, pref, org = (
        _table(m) for m in (Reminder, User, NotificationPreference, User._meta.get_field("organization").related_model)
    )
    notification, delivery = _table(Notification), _table(ReminderDelivery)
    only_ids = "AND id = ANY(%s)" if ids is not None else ""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {reminder} SET status = %s, sent_at = %s WHERE id IN ("
            f"SELECT id FROM {reminder} WHERE status = %s AND due_at <= %s AND NOT (recipient_id = ANY(%s)) {only_ids} "
            f"ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED) RETURNING id",
            [ReminderStatus.SENT, ctx.now, ReminderStatus.PENDING, ctx.now, list(held_users)]
            + ([list(ids)] if ids is not None else [])
            + [ctx.cfg["batch_size"]],
        )
        send = [row[0] for row in cursor.fetchall()]
        if not send:
            return 0, []
        active = f"FROM {reminder} r JOIN {user} u ON u.id = r.recipient_id AND u.is_active WHERE r.id = ANY(%s)"
        cursor.execute(
            f"INSERT INTO {notification} (recipient_id, kind, title, body, url, created_at, read_at, emailed_at) "
            f"SELECT r.recipient_id, CASE WHEN r.kind = %s THEN %s ELSE %s END, r.title, r.body, r.url, %s, NULL, NULL "
            f"{active} ORDER BY r.id",
            [ReminderKind.NUDGE, NotificationKind.NUDGE, NotificationKind.REMINDER, ctx.now, send],
        )
        result.delivered_in_app += max(cursor.rowcount, 0)
        # In-app (delivered just now); e-mail unless switched off (on by default) to an address
        # the user has; the robot when switched on: the user's own URL, else their unit's.
        cursor.execute(
            f"INSERT INTO {delivery} (reminder_id, channel, status, attempts, next_attempt_at, enqueued_at, sent_at, "
            f"last_error, target, resends) "
            f"SELECT r.id, c.channel, CASE WHEN c.channel = %s THEN %s ELSE %s END, "
            f"CASE WHEN c.channel = %s THEN 1 ELSE 0 END, NULL, "
            f"CASE WHEN c.channel = %s THEN NULL ELSE %s::timestamptz END, "
            f"CASE WHEN c.channel = %s THEN %s::timestamptz END, '', "
            f"CASE c.channel WHEN %s THEN u.email WHEN %s THEN COALESCE(NULLIF(p.webhook_url, ''), o.webhook_url) "
            f"ELSE '' END, 0 "
            f"FROM {reminder} r JOIN {user} u ON u.id = r.recipient_id AND u.is_active "
            f"LEFT JOIN {pref} p ON p.user_id = u.id LEFT JOIN {org} o ON o.id = u.organization_id "
            f"CROSS JOIN (VALUES (%s), (%s), (%s)) AS c(channel) "
            f"WHERE r.id = ANY(%s) AND ("
            f"c.channel = %s "
            f"OR (c.channel = %s AND u.email <> '' AND COALESCE(p.email, TRUE)) "
            f"OR (c.channel = %s AND p.webhook AND COALESCE(NULLIF(p.webhook_url, ''), o.webhook_url, '') <> '')) "
            f"RETURNING id, channel",
            [
                Channel.IN_APP, DeliveryStatus.SENT, DeliveryStatus.PENDING,
                Channel.IN_APP,
                Channel.IN_APP, ctx.now,
                Channel.IN_APP, ctx.now,
                Channel.EMAIL, Channel.WEBHOOK,
                Channel.IN_APP, Channel.EMAIL, Channel.WEBHOOK,
                send,
                Channel.IN_APP, Channel.EMAIL, Channel.WEBHOOK,
            ],
        )
        outgoing = sorted(pk for pk, channel in cursor.fetchall() if channel != Channel.IN_APP)
        return len(send), outgoing


def _claim_and_deliver_portable(ctx: Context, result: SweepResult, *, ids=None, held_users=()) -> tuple[int, list[int]]:
    """The same claim through the ORM, for databases without ``= ANY(array)`` and ``SKIP LOCKED``
    (SQLite, which ``make run`` uses with no environment: one process, no race to lose).
    Production runs on PostgreSQL and takes the set-based path above."""
    with transaction.atomic():
        due = (
            Reminder.objects.select_for_update(skip_locked=True)
            .filter(status=ReminderStatus.PENDING, due_at__lte=ctx.now)
            .exclude(recipient_id__in=list(held_users))
        )
        if ids is not None:
            due = due.filter(id__in=ids)
        batch = list(due.order_by("id").values("id", "recipient_id", "kind", "title", "body", "url")[: ctx.cfg["batch_size"]])
        if not batch:
            return 0, []
        Reminder.objects.filter(id__in=[row["id"] for row in batch]).update(status=ReminderStatus.SENT, sent_at=ctx.now)
        recipient_ids = {row["recipient_id"] for row in batch}
        prefs = {p.user_id: p for p in NotificationPreference.objects.filter(user_id__in=recipient_ids)}
        users = {
            u["id"]: u
            for u in User.objects.filter(id__in=recipient_ids, is_active=True).values("id", "email", "organization__webhook_url")
        }
        notifications, deliveries = [], []
        for row in batch:
            user, pref = users.get(row["recipient_id"]), prefs.get(row["recipient_id"])
            if user is None:
                continue
            kind = NotificationKind.NUDGE if row["kind"] == ReminderKind.NUDGE else NotificationKind.REMINDER
            notifications.append(
                Notification(recipient_id=user["id"], kind=kind, title=row["title"], body=row["body"], url=row["url"])
            )
            deliveries.append(
                ReminderDelivery(reminder_id=row["id"], channel=Channel.IN_APP, status=DeliveryStatus.SENT, attempts=1, sent_at=ctx.now)
            )
            if (pref.email if pref else True) and user["email"]:
                deliveries.append(
                    ReminderDelivery(reminder_id=row["id"], channel=Channel.EMAIL, target=user["email"], enqueued_at=ctx.now)
                )
            hook = (pref.webhook_url or user["organization__webhook_url"]) if pref and pref.webhook else ""
            if hook:
                deliveries.append(ReminderDelivery(reminder_id=row["id"], channel=Channel.WEBHOOK, target=hook, enqueued_at=ctx.now))
        Notification.objects.bulk_create(notifications)
        created = ReminderDelivery.objects.bulk_create(deliveries)
        result.delivered_in_app += len(notifications)
        return len(batch), sorted(d.pk for d in created if d.channel != Channel.IN_APP)


def _requeue_stale(ctx: Context) -> list[int]:
    """Deliveries whose task was lost (broker down, worker killed) or whose retry is due."""
    stale_before = ctx.now - datetime.timedelta(minutes=ctx.cfg["requeue_after_minutes"])
    with transaction.atomic():
        ids = list(
            ReminderDelivery.objects.select_for_update(skip_locked=True)
            .filter(
                Q(status=DeliveryStatus.PENDING, enqueued_at__lt=stale_before)
                | Q(status=DeliveryStatus.PENDING, enqueued_at__isnull=True)
                | Q(status=DeliveryStatus.RETRY, next_attempt_at__lte=ctx.now)
            )
            .order_by("id")
            .values_list("id", flat=True)[: ctx.cfg["batch_size"] * 5]
        )
        if ids:
            ReminderDelivery.objects.filter(id__in=ids).update(enqueued_at=ctx.now)
    return ids


def _enqueue_deliveries(ctx_cfg: dict, ids: list[int]) -> int:
    """Queue the deliveries in chunks over one broker connection (thousands of tasks in a second);
    chunks the broker refused are marked not queued, so the next sweep queues them again at once
    instead of after ``requeue_after_minutes``. Never raises: the broker may be down."""
    deliver_reminders = task_named(DELIVER_REMINDERS)
    size = ctx_cfg["delivery_task_batch"]
    chunks = [ids[start : start + size] for start in range(0, len(ids), size)]
    if not chunks:
        return 0
    queued = 0
    app = deliver_reminders.app
    try:
        if app.conf.task_always_eager:
            for chunk in chunks:
                deliver_reminders.apply_async(args=[chunk])
                queued += 1
        else:
            with app.producer_or_acquire() as producer:
                # One connection attempt, no back-off (see core.tasks.send_task_now).
                producer.connection.ensure_connection(max_retries=0)
                for chunk in chunks:
                    deliver_reminders.apply_async(args=[chunk], producer=producer, retry=False)
                    queued += 1
    except Exception:  # the broker may fail in many ways; the sweep must finish
        logger.warning("Could not queue reminder deliveries; the next sweep will.", exc_info=True)
        lost = [pk for chunk in chunks[queued:] for pk in chunk]
        ReminderDelivery.objects.filter(id__in=lost, status=DeliveryStatus.PENDING).update(enqueued_at=None)
    return sum(len(chunk) for chunk in chunks[:queued])


def _catch_up_notification_emails(ctx: Context) -> int:
    """E-mail the notifications whose e-mail task never reached the broker (it was down when the
    web request committed). The task sends each at most once (row lock + emailed_at)."""
    since = ctx.now - datetime.timedelta(hours=ctx.cfg["notification_email_catchup_hours"])
    stale_before = ctx.now - datetime.timedelta(minutes=ctx.cfg["requeue_after_minutes"])
    ids = list(
        Notification.objects.filter(created_at__gte=since, created_at__lt=stale_before, emailed_at__isnull=True)
        # Reminders and nudges travel by their own deliveries (the user's channels).
        .exclude(kind__in=[NotificationKind.REMINDER, NotificationKind.NUDGE])
        .exclude(recipient__email="")
        .filter(wants_email_q())
        .order_by("id")
        .values_list("id", flat=True)[: ctx.cfg["batch_size"]]
    )
    queued = 0
    size = ctx.cfg["delivery_task_batch"]
    for start in range(0, len(ids), size):
        if send_task_now(SEND_NOTIFICATION_EMAILS, ids[start : start + size]):
            queued += len(ids[start : start + size])
    return queued


def reminder_sweep(*, now: datetime.datetime | None = None) -> SweepResult:
    """Compute what is due, record it once and deliver it (see the module docstring)."""
    ctx = make_context(now)
    result = SweepResult()
    # Stored texts are in the product's language, whatever the worker's locale.
    with override(settings.LANGUAGE_CODE):
        for rule in RULES:
            with transaction.atomic():
                for kind, count in rule(ctx).items():
                    result.created[kind] = result.created.get(kind, 0) + count
    to_send: list[int] = []
    held = _postpone_quiet_hours(ctx, result)
    for _round in range(1000):  # bounded: at most 1000 batches per sweep
        claimed, ids = _claim_and_deliver(ctx, result, held_users=held)
        to_send.extend(ids)
        if claimed < ctx.cfg["batch_size"]:
            break
    to_send.extend(_requeue_stale(ctx))
    result.queued = _enqueue_deliveries(ctx.cfg, sorted(set(to_send)))
    result.notification_emails = _catch_up_notification_emails(ctx)
    return result


def reminders_deliver_now(*, reminder_ids: list[int], now: datetime.datetime | None = None) -> int:
    """Deliver these reminders at once (a nudge must not wait for the next sweep): in-app in the
    caller's transaction, e-mail and webhook queued after it commits. Quiet hours still apply."""
    ctx = make_context(now)
    result = SweepResult()
    held = _postpone_quiet_hours(ctx, result, ids=reminder_ids)
    _claimed, ids = _claim_and_deliver(ctx, result, ids=reminder_ids, held_users=held)
    if ids:
        cfg = ctx.cfg
        transaction.on_commit(lambda: _enqueue_deliveries(cfg, ids))
    return result.delivered_in_app


# ---------------------------------------------------------------- channel delivery (Celery task body)
def _backoff(cfg: dict, attempts: int) -> datetime.timedelta:
    steps = cfg["backoff_minutes"]
    return datetime.timedelta(minutes=steps[min(attempts - 1, len(steps) - 1)])


def deliveries_send(*, delivery_ids: list[int], now: datetime.datetime | None = None) -> dict[str, int]:
    """Send each e-mail / webhook delivery once. The row stays locked while it is sent, so a
    second worker given the same id skips it, and a worker killed mid-send leaves it pending
    (its transaction dies with it) for a later sweep to queue again."""
    deliver_reminders = task_named(DELIVER_REMINDERS)
    cfg = config()
    started = time.monotonic()
    counts = {"sent": 0, "retry": 0, "failed": 0, "skipped": 0, "deferred": 0}
    for index, pk in enumerate(delivery_ids):
        if time.monotonic() - started > cfg["delivery_task_seconds"]:
            # A slow channel must not run the task into its time limit: hand the rest on (if the
            # broker refuses, they stay queued-but-pending and the sweep re-queues them).
            rest = list(delivery_ids[index:])
            send_task_now(deliver_reminders, rest)
            counts["deferred"] = len(rest)
            break
        with transaction.atomic():
            delivery = (
                ReminderDelivery.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("reminder", "reminder__recipient", "reminder__recipient__organization")
                .filter(pk=pk, status__in=[DeliveryStatus.PENDING, DeliveryStatus.RETRY])
                .exclude(channel=Channel.IN_APP)
                .first()
            )
            # A retry is sent only by a task queued after its backoff ran out (the sweep stamps
            # enqueued_at then); an older duplicate of the task finds it too early and leaves it.
            if delivery is None or (
                delivery.status == DeliveryStatus.RETRY
                and delivery.next_attempt_at
                and (delivery.enqueued_at is None or delivery.enqueued_at < delivery.next_attempt_at)
            ):
                counts["skipped"] += 1
                continue
            current = now or timezone.now()
            reminder = delivery.reminder
            key = idempotency_key(delivery)
            link = f"{settings.SITE_URL.rstrip('/')}{reminder.url}" if reminder.url else ""
            delivery.attempts += 1
            try:
                if delivery.channel == Channel.EMAIL:
                    send_email(to=delivery.target, subject=reminder.title, body=f"{reminder.body}\n\n{link}".strip(), key=key)
                else:
                    recipient = reminder.recipient
                    pref = NotificationPreference.objects.filter(user=recipient).first()
                    secret = (pref.webhook_secret if pref and pref.webhook_url else "") or (
                        recipient.organization.webhook_secret if recipient.organization_id else ""
                    )
                    send_webhook(
                        url=delivery.target,
                        secret=secret,
                        title=reminder.title,
                        body=reminder.body,
                        link=link,
                        key=key,
                        recipient=recipient.get_full_name() or recipient.get_username(),
                    )
            except (DeliveryError, OSError) as exc:
                delivery.last_error = str(exc)[:1000]
                if isinstance(exc, DeliveryRefused) or delivery.attempts >= cfg["max_attempts"]:
                    delivery.status = DeliveryStatus.FAILED
                    delivery.next_attempt_at = None
                    counts["failed"] += 1
                else:
                    delivery.status = DeliveryStatus.RETRY
                    delivery.next_attempt_at = current + _backoff(cfg, delivery.attempts)
                    counts["retry"] += 1
                logger.warning("reminder delivery %s (%s) failed, try %s: %s", delivery.pk, delivery.channel, delivery.attempts, exc)
            else:
                delivery.status = DeliveryStatus.SENT
                delivery.sent_at = timezone.now()
                delivery.last_error = ""
                delivery.next_attempt_at = None
                counts["sent"] += 1
            delivery.save()
    return counts


def _enqueue_one(delivery_id: int) -> None:
    deliver_reminders = task_named(DELIVER_REMINDERS)
    enqueue_on_commit(deliver_reminders, [delivery_id])


# ---------------------------------------------------------------- resend (department staff)
def delivery_resend(*, delivery: ReminderDelivery, by, now: datetime.datetime | None = None) -> ReminderDelivery:
    """Send one delivery again, at the staff's request: in-app at once, e-mail and webhook by a
    task after commit (to the recipient's current address). Recorded in the delivery's history
    with who resent it; the resend count makes a new idempotency key, so a receiver that
    deduplicates does not drop it."""
    now = now or timezone.now()
    with transaction.atomic():
        delivery = (
            ReminderDelivery.objects.select_for_update(of=("self",))
            .select_related("reminder", "reminder__recipient", "reminder__recipient__organization")
            .get(pk=delivery.pk)
        )
        if delivery.status == DeliveryStatus.PENDING:
            raise TransitionError(_("This delivery is already queued; wait for it to be sent."), code="queued")
        reminder, recipient = delivery.reminder, delivery.reminder.recipient
        if not recipient.is_active:
            raise TransitionError(_("The recipient's account is disabled."), code="inactive")
        delivery.resends += 1
        delivery.last_error = ""
        delivery.next_attempt_at = None
        if delivery.channel == Channel.IN_APP:
            kind = NotificationKind.NUDGE if reminder.kind == ReminderKind.NUDGE else NotificationKind.REMINDER
            Notification.objects.create(recipient=recipient, kind=kind, title=reminder.title, body=reminder.body, url=reminder.url)
            delivery.status, delivery.sent_at = DeliveryStatus.SENT, now
            delivery.attempts += 1
        else:
            if delivery.channel == Channel.EMAIL:
                target = recipient.email
            else:
                pref = NotificationPreference.objects.filter(user=recipient).first()
                org_url = recipient.organization.webhook_url if recipient.organization_id else ""
                target = (pref.webhook_url if pref else "") or org_url
            if not target:
                raise TransitionError(_("The recipient has no address for this channel."), code="no_target")
            delivery.target = target
            delivery.status, delivery.attempts, delivery.enqueued_at = DeliveryStatus.PENDING, 0, now
        delivery._history_user = by
        delivery._change_reason = _("Resent by %(name)s") % {"name": by.get_full_name() or by.get_username()}
        delivery.save()
        if delivery.channel != Channel.IN_APP:
            _enqueue_one(delivery.pk)
    return delivery


# ---------------------------------------------------------------- preferences
def preference_for(user) -> NotificationPreference:
    """The user's preference, unsaved defaults if they never set one."""
    return NotificationPreference.objects.filter(user=user).first() or NotificationPreference(user=user)


@transaction.atomic
def preference_save(*, user, **fields) -> NotificationPreference:
    pref = NotificationPreference.objects.select_for_update().filter(user=user).first() or NotificationPreference(user=user)
    allowed = {"email", "webhook", "webhook_url", "webhook_secret", "quiet_start", "quiet_end"}
    for name, value in fields.items():
        if name not in allowed:
            raise TypeError(name)
        setattr(pref, name, value)
    pref.full_clean()
    pref._history_user = user
    pref.save()
    return pref


# ---------------------------------------------------------------- nudges (催办) by a 调度长
class NudgeTooSoon(Exception):
    def __init__(self, next_at: datetime.datetime):
        super().__init__(next_at)
        self.next_at = next_at


class NudgeNotAllowed(Exception):
    """The sender may not nudge about this object (the view answers 404)."""


def _nudge_subject(*, sender, target: str, pk: int, ctx: Context, lock: bool):
    """(object_key, recipients, title, body, url) of a nudge the sender may send; raises
    NudgeNotAllowed when the object is not theirs or not late."""

    if target == NUDGE_WEEKLY:
        mine = Branch.objects.active().filter(pk=pk).filter(
            Exists(Project.objects.filter(branch=OuterRef("pk"), dispatch_chief=sender, status__in=OPEN_PROJECT))
        )
        branch = (mine.select_for_update() if lock else mine).first()
        if branch is None:
            raise NudgeNotAllowed
        week = last_report_week(ctx)
        if not branches_missing_report(week.monday).filter(pk=branch.pk).exists():
            raise NudgeNotAllowed
        recipients = list(
            User.objects.filter(
                is_active=True,
                person__memberships__branch=branch,
                person__memberships__role=MembershipRole.SECRETARY,
                person__memberships__left_on__isnull=True,
            ).distinct()
        )
        title = _("Please submit the weekly report of %(week)s: %(branch)s") % {"week": week.label, "branch": branch.name}
        body = _("The weekly report was due %(deadline)s and has not been submitted.") % {
            "deadline": f"{timezone.localtime(week.deadline):%Y-%m-%d %H:%M}"
        }
        return f"branch:{branch.pk}", recipients, title, body, _safe_reverse("mechanisms:secretary_home")
    if target == NUDGE_INSTRUCTION:
        instructions = Instruction.objects.filter(
            pk=pk, project__dispatch_chief=sender, status__in=OPEN_INSTRUCTION, deadline__lt=ctx.today
        )
        if lock:
            instructions = instructions.select_for_update(of=("self",))
        instruction = instructions.select_related("assignee_user").first()
        if instruction is None:
            raise NudgeNotAllowed
        if instruction.assignee_user_id:
            recipients = [instruction.assignee_user] if instruction.assignee_user.is_active else []
        else:
            recipients = list(unit_liaisons([instruction.assignee_unit_id]))
        title = _("Please complete the overdue instruction: %(title)s") % {"title": instruction.title}
        body = _("The deadline was %(deadline)s. Report the result as soon as possible.") % {
            "deadline": instruction.deadline.isoformat()
        }
        url = _url_for("mechanisms:instruction_detail", instruction.pk)
        return f"instruction:{instruction.pk}", recipients, title, body, url
    raise NudgeNotAllowed


def _url_for(name: str, pk: int) -> str:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return ""


def nudge_send(*, sender, target: str, pk: int, now: datetime.datetime | None = None) -> list[Reminder]:
    """A 调度长's one-click 催办 to a late secretary (weekly report) or to the assignee of an
    overdue instruction (a person, or the liaisons of the unit). At most one per sender, object
    and recipient within ``nudge_interval_hours``: the target row is locked while checking,
    and the period of the idempotency key is the minute it was sent, so two presses at once
    insert one. Delivered at once (in-app in this transaction, other channels after commit)."""
    ctx = make_context(now)
    with override(settings.LANGUAGE_CODE), transaction.atomic():
        object_key, recipients, title, body, url = _nudge_subject(sender=sender, target=target, pk=pk, ctx=ctx, lock=True)
        if not recipients:
            raise TransitionError(_("Nobody can receive this nudge: no active account holds the role."), code="nobody")
        next_at = nudge_next_possible(sender=sender, object_keys=[object_key], now=ctx.now).get(object_key)
        if next_at is not None:
            raise NudgeTooSoon(next_at)
        period = f"{sender.pk}@{timezone.localtime(ctx.now):%Y-%m-%dT%H:%M}"
        name = sender.get_full_name() or sender.get_username()
        Reminder.objects.bulk_create(
            [
                Reminder(
                    recipient=user,
                    kind=ReminderKind.NUDGE,
                    object_key=object_key,
                    period=period,
                    title=(_("Nudge from %(name)s: ") % {"name": name} + title)[:TITLE_MAX],
                    body=body,
                    url=url,
                    due_at=ctx.now,
                    sender=sender,
                )
                for user in recipients
            ],
            ignore_conflicts=True,
        )
        reminders = list(Reminder.objects.filter(kind=ReminderKind.NUDGE, object_key=object_key, period=period))
        reminders_deliver_now(reminder_ids=[r.pk for r in reminders], now=ctx.now)
    return reminders
