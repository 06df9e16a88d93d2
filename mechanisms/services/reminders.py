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
"""

import datetime
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import CharField, DateTimeField, Exists, F, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from branches.models import BranchStatus, MembershipRole
from branches.roles import Role
from core.tasks import send_task_now
from projects.models import Project, ProjectStatus

from ..models import (
    Channel,
    DeliveryStatus,
    Instruction,
    InstructionStatus,
    Notification,
    NotificationKind,
    NotificationPreference,
    ProblemCase,
    ProblemStatus,
    Reminder,
    ReminderDelivery,
    ReminderKind,
    ReminderStatus,
    WeeklyReport,
    WeeklyReportStatus,
)
from ..workdays import WorkCalendar

logger = logging.getLogger(__name__)
User = get_user_model()

OPEN_PROJECT = [ProjectStatus.PLANNED, ProjectStatus.IN_PROGRESS]
OPEN_INSTRUCTION = [InstructionStatus.ISSUED, InstructionStatus.ACKNOWLEDGED, InstructionStatus.RETURNED]
FILED_WEEKLY = [WeeklyReportStatus.SUBMITTED, WeeklyReportStatus.REVIEWED]


def config() -> dict:
    defaults = {
        "daily_time": datetime.time(9, 0),  # daily reminders go out from this time on working days
        "weekly_report_time": datetime.time(9, 0),  # deadline-day reminder to the secretary
        "monday_digest_time": datetime.time(8, 30),
        "instruction_deadline_time": datetime.time(18, 0),  # an instruction is due at this time
        "instruction_due_soon_hours": 24,
        "quiet_morning": datetime.time(8, 30),  # a reminder held by quiet hours goes out then
        "max_attempts": 5,
        "backoff_minutes": (1, 5, 15, 60),
        "batch_size": 2000,
        "requeue_after_minutes": 10,
        "delivery_task_batch": 200,
    }
    return {**defaults, **getattr(settings, "REMINDERS", {})}


def weekly_deadline_setting() -> tuple[int, datetime.time]:
    """(weekday, time) of the weekly report deadline: the one setting the weekly report's late
    marking reads too (settings.WEEKLY_REPORT_DEADLINE), so reminders and lateness agree."""
    from .weekly import weekly_deadline_setting as setting

    return setting()


@dataclass
class SweepResult:
    created: dict = field(default_factory=dict)
    delivered_in_app: int = 0
    postponed: int = 0
    queued: int = 0

    @property
    def total_created(self) -> int:
        return sum(self.created.values())


@dataclass
class Context:
    now: datetime.datetime
    today: datetime.date
    local_time: datetime.time
    cal: WorkCalendar
    cfg: dict

    @property
    def is_working_day(self) -> bool:
        return self.cal.is_working_day(self.today)

    def at(self, day: datetime.date, time: datetime.time) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(day, time))


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
            r_body=body,
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
    before = Reminder.objects.filter(kind=rows[0].kind, period=rows[0].period).count()
    Reminder.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return Reminder.objects.filter(kind=rows[0].kind, period=rows[0].period).count() - before


# ---------------------------------------------------------------- the rules
def rule_dispatch(ctx: Context) -> dict[str, int]:
    """A project's dispatch session is due by its cadence: the 调度长 is told one working day
    before and on the day; overdue → every working day until a session is recorded."""
    if not ctx.is_working_day or ctx.local_time < ctx.cfg["daily_time"]:
        return {}
    cal = ctx.cal
    next_wd = cal.next_working_day(ctx.today, inclusive=False)
    prev_wd = cal.previous_working_day(ctx.today)
    base = Project.objects.filter(status__in=OPEN_PROJECT, dispatch_chief__isnull=False, next_dispatch_on__isnull=False)
    url = _url_expr("projects:project_detail", F("pk"))
    common = {"ctx": ctx, "recipient": F("dispatch_chief_id"), "label": "project", "pk": F("pk"), "url": url}
    return {
        # due on the next working day (a due date on a weekend or holiday counts from the next working day)
        ReminderKind.DISPATCH_DUE_SOON: _insert_select(
            base.filter(next_dispatch_on__gt=ctx.today, next_dispatch_on__lte=next_wd),
            kind=ReminderKind.DISPATCH_DUE_SOON,
            period=next_wd.isoformat(),
            title=Concat(Value(_("Dispatch session due tomorrow: ")), F("name"), output_field=CharField()),
            body=Value(_("Record the dispatch session of this project by its cadence.")),
            **common,
        ),
        ReminderKind.DISPATCH_DUE: _insert_select(
            base.filter(next_dispatch_on__gt=prev_wd, next_dispatch_on__lte=ctx.today),
            kind=ReminderKind.DISPATCH_DUE,
            period=ctx.today.isoformat(),
            title=Concat(Value(_("Dispatch session due today: ")), F("name"), output_field=CharField()),
            body=Value(_("Record the dispatch session of this project today.")),
            **common,
        ),
        ReminderKind.DISPATCH_OVERDUE: _insert_select(
            base.filter(next_dispatch_on__lte=prev_wd),
            kind=ReminderKind.DISPATCH_OVERDUE,
            period=ctx.today.isoformat(),
            title=Concat(Value(_("Dispatch session overdue: ")), F("name"), output_field=CharField()),
            body=Value(_("The dispatch session of this project is overdue; record one as soon as possible.")),
            **common,
        ),
    }


def rule_instructions(ctx: Context) -> dict[str, int]:
    """24 hours before its deadline → the assignee; overdue → the assignee and the 调度长, daily."""
    cfg = ctx.cfg
    due_time = cfg["instruction_deadline_time"]
    # The one deadline date whose due moment falls within the next 24 hours.
    soon_date = ctx.today if ctx.local_time < due_time else ctx.today + datetime.timedelta(days=1)
    window_open = ctx.at(soon_date, due_time) - datetime.timedelta(hours=cfg["instruction_due_soon_hours"]) <= ctx.now
    url = "mechanisms:instruction_detail"
    counts = {ReminderKind.INSTRUCTION_DUE_SOON: 0, ReminderKind.INSTRUCTION_OVERDUE: 0}

    def to_assignees(instructions, *, kind, period, title_prefix, body):
        n = _insert_select(
            instructions.filter(assignee_user__isnull=False),
            ctx=ctx,
            recipient=F("assignee_user_id"),
            kind=kind,
            label="instruction",
            pk=F("pk"),
            period=period,
            title=Concat(Value(title_prefix), F("title"), output_field=CharField()),
            body=Value(body),
            url=_url_expr(url, F("pk")),
        )
        # Unit assignments reach the unit's liaisons: one row per (liaison, instruction).
        liaisons = User.objects.filter(
            groups__name=Role.UNIT_LIAISON,
            is_active=True,
            organization__instructions__in=instructions.filter(assignee_user__isnull=True),
        )
        n += _insert_select(
            liaisons,
            ctx=ctx,
            recipient=F("pk"),
            kind=kind,
            label="instruction",
            pk=F("organization__instructions__pk"),
            period=period,
            title=Concat(Value(title_prefix), F("organization__instructions__title"), output_field=CharField()),
            body=Value(body),
            url=_url_expr(url, F("organization__instructions__pk")),
        )
        return n

    open_instructions = Instruction.objects.filter(status__in=OPEN_INSTRUCTION)
    if window_open:
        counts[ReminderKind.INSTRUCTION_DUE_SOON] += to_assignees(
            open_instructions.filter(deadline=soon_date),
            kind=ReminderKind.INSTRUCTION_DUE_SOON,
            period="once",
            title_prefix=_("Instruction due within 24 hours: "),
            body=_("Complete the instruction and report the result before its deadline."),
        )
    if ctx.is_working_day and ctx.local_time >= cfg["daily_time"]:
        overdue = open_instructions.filter(deadline__lt=ctx.today)
        period = ctx.today.isoformat()
        counts[ReminderKind.INSTRUCTION_OVERDUE] += to_assignees(
            overdue,
            kind=ReminderKind.INSTRUCTION_OVERDUE,
            period=period,
            title_prefix=_("Instruction overdue: "),
            body=_("This instruction is past its deadline; complete it and report the result."),
        )
        # The 调度长 hears of every overdue instruction of their projects, daily.
        counts[ReminderKind.INSTRUCTION_OVERDUE] += _insert_select(
            overdue.filter(project__dispatch_chief__isnull=False),
            ctx=ctx,
            recipient=F("project__dispatch_chief_id"),
            kind=ReminderKind.INSTRUCTION_OVERDUE,
            label="instruction",
            pk=F("pk"),
            period=period,
            title=Concat(Value(_("Instruction overdue (escalated): ")), F("title"), output_field=CharField()),
            body=Value(_("An instruction of your project is past its deadline.")),
            url=_url_expr(url, F("pk")),
        )
    return counts


def _iso_week(day: datetime.date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def _branches_missing_report(ctx: Context):
    from branches.models import Branch

    year, week, _weekday = ctx.today.isocalendar()
    filed = WeeklyReport.objects.filter(branch=OuterRef("pk"), iso_year=year, iso_week=week, status__in=FILED_WEEKLY)
    return Branch.objects.filter(status=BranchStatus.ACTIVE).exclude(Exists(filed))


def rule_weekly_reports(ctx: Context) -> dict[str, int]:
    """Deadline day at 09:00 → the secretary of each branch that has not filed; after the
    deadline → one digest to each 调度长 listing their branches still missing."""
    weekday, deadline_time = weekly_deadline_setting()
    # The deadline of this ISO week.
    monday = ctx.today - datetime.timedelta(days=ctx.today.weekday())
    deadline_day = monday + datetime.timedelta(days=weekday)
    deadline = ctx.at(deadline_day, deadline_time)
    period = _iso_week(ctx.today)
    counts = {}
    if ctx.today == deadline_day and ctx.local_time >= ctx.cfg["weekly_report_time"] and ctx.now < deadline:
        missing = _branches_missing_report(ctx).filter(
            memberships__role=MembershipRole.SECRETARY,
            memberships__left_on__isnull=True,
            memberships__person__user__isnull=False,
        )
        counts[ReminderKind.WEEKLY_REPORT_DUE] = _insert_select(
            missing,
            ctx=ctx,
            recipient=F("memberships__person__user_id"),
            kind=ReminderKind.WEEKLY_REPORT_DUE,
            label="branch",
            pk=F("pk"),
            period=period,
            title=Concat(Value(_("Weekly report due today: ")), F("name"), output_field=CharField()),
            body=Value(
                _("This week's report is due today at %(time)s.") % {"time": deadline_time.strftime("%H:%M")}
            ),
            url=Value(_safe_reverse("mechanisms:secretary_home")),
        )
    if ctx.now >= deadline and ctx.today <= deadline_day + datetime.timedelta(days=2):
        rows = (
            Project.objects.filter(
                status__in=OPEN_PROJECT,
                dispatch_chief__isnull=False,
                branch__in=_branches_missing_report(ctx),
            )
            .order_by("dispatch_chief_id", "branch__name")
            .values_list("dispatch_chief_id", "branch__name")
            .distinct()
        )
        by_chief: dict[int, list[str]] = {}
        for chief_id, branch_name in rows:
            names = by_chief.setdefault(chief_id, [])
            if branch_name not in names:
                names.append(branch_name)
        reminders = [
            Reminder(
                recipient_id=chief_id,
                kind=ReminderKind.WEEKLY_REPORT_MISSING,
                object_key="-",
                period=period,
                title=_("%(count)d branches have not filed this week's report") % {"count": len(names)},
                body="\n".join(f"· {name}" for name in names),
                url=_safe_reverse("mechanisms:cockpit"),
                due_at=ctx.now,
            )
            for chief_id, names in by_chief.items()
        ]
        counts[ReminderKind.WEEKLY_REPORT_MISSING] = _insert_rows(reminders)
    return counts


def rule_project_red(ctx: Context) -> dict[str, int]:
    """A project turning red → its 调度长 at once (once per red spell)."""
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
            title=Concat(Value(_("Project turned red: ")), F("name"), output_field=CharField()),
            body=Value(_("The project has fallen behind its schedule. Consider a dispatch session.")),
            url=_url_expr("projects:project_detail", F("pk")),
        )
    }


def rule_problems(ctx: Context) -> dict[str, int]:
    """A problem not analysed within one working day, or not accepted by its unit within its
    limit → the 调度长 of its project (or of the branch's projects)."""
    if not ctx.is_working_day:
        return {}
    prev_wd = ctx.cal.previous_working_day(ctx.today)
    cutoff = ctx.at(prev_wd, datetime.time(0, 0))
    not_analysed = ProblemCase.objects.filter(status=ProblemStatus.REPORTED, created_at__lt=cutoff)
    not_accepted = ProblemCase.objects.filter(status=ProblemStatus.ANALYSED, accept_due_on__lt=ctx.today)
    url = "mechanisms:problem_detail"
    total = 0
    for qs, period, prefix in (
        (not_analysed, "not_analysed", _("Problem not analysed in time: ")),
        (not_accepted, "not_accepted", _("Problem not accepted by its unit in time: ")),
    ):
        common = {
            "ctx": ctx,
            "kind": ReminderKind.PROBLEM_UNATTENDED,
            "label": "problemcase",
            "period": period,
            "body": Value(_("Follow up the problem so that it is analysed and taken on.")),
        }
        total += _insert_select(
            qs.filter(project__dispatch_chief__isnull=False),
            recipient=F("project__dispatch_chief_id"),
            pk=F("pk"),
            title=Concat(Value(prefix), F("title"), output_field=CharField()),
            url=_url_expr(url, F("pk")),
            **common,
        )
        # No project: every 调度长 of the branch's projects.
        total += _insert_select(
            qs.filter(project__isnull=True, branch__projects__dispatch_chief__isnull=False),
            recipient=F("branch__projects__dispatch_chief_id"),
            pk=F("pk"),
            title=Concat(Value(prefix), F("title"), output_field=CharField()),
            url=_url_expr(url, F("pk")),
            **common,
        )
    return {ReminderKind.PROBLEM_UNATTENDED: total}


def rule_monday_digest(ctx: Context) -> dict[str, int]:
    """Monday 08:30: every 调度长 gets a digest of their projects."""
    if ctx.today.weekday() != 0 or ctx.local_time < ctx.cfg["monday_digest_time"]:
        return {}
    rows = (
        Project.objects.filter(status__in=OPEN_PROJECT, dispatch_chief__isnull=False)
        .order_by("dispatch_chief_id", "light", "deadline")
        .values_list("dispatch_chief_id", "name", "light", "deadline", "next_dispatch_on")
    )
    light_names = {"red": _("red"), "yellow": _("yellow"), "green": _("green")}
    digest: dict[int, list[str]] = {}
    for chief_id, name, light, deadline, next_dispatch in rows:
        line = _("%(name)s — %(light)s, deadline %(deadline)s, next dispatch %(next)s") % {
            "name": name,
            "light": light_names.get(light, light),
            "deadline": deadline,
            "next": next_dispatch or "—",
        }
        digest.setdefault(chief_id, []).append(f"· {line}")
    period = _iso_week(ctx.today)
    reminders = [
        Reminder(
            recipient_id=chief_id,
            kind=ReminderKind.MONDAY_DIGEST,
            object_key="-",
            period=period,
            title=_("This week's projects (%(count)d)") % {"count": len(lines)},
            body="\n".join(lines),
            url=_safe_reverse("mechanisms:cockpit"),
            due_at=ctx.now,
        )
        for chief_id, lines in digest.items()
    ]
    return {ReminderKind.MONDAY_DIGEST: _insert_rows(reminders)}


RULES = (rule_dispatch, rule_instructions, rule_weekly_reports, rule_project_red, rule_problems, rule_monday_digest)


def _safe_reverse(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


# ---------------------------------------------------------------- quiet hours
def in_quiet_hours(pref: NotificationPreference | None, local_time: datetime.time) -> bool:
    if pref is None or pref.quiet_start is None or pref.quiet_end is None or pref.quiet_start == pref.quiet_end:
        return False
    start, end = pref.quiet_start, pref.quiet_end
    if start < end:
        return start <= local_time < end
    return local_time >= start or local_time < end  # spans midnight, e.g. 21:00–07:30


def quiet_release_at(ctx: Context, pref: NotificationPreference) -> datetime.datetime:
    """When a reminder held by quiet hours goes out: the next working morning (or the end of
    the quiet hours if that is later in the morning)."""
    morning = max(ctx.cfg["quiet_morning"], pref.quiet_end) if pref.quiet_end else ctx.cfg["quiet_morning"]
    day = ctx.today
    if ctx.local_time >= morning or not ctx.cal.is_working_day(day):
        day = ctx.cal.next_working_day(day, inclusive=False)
    return ctx.at(day, morning)


# ---------------------------------------------------------------- delivery
def _claim_and_deliver(ctx: Context, result: SweepResult) -> tuple[int, list[int]]:
    """Claim one batch of due reminders; write in-app notifications and channel deliveries.
    Returns (how many were claimed, ids of the deliveries to send after commit)."""
    with transaction.atomic():
        batch = list(
            Reminder.objects.select_for_update(skip_locked=True)
            .filter(status=ReminderStatus.PENDING, due_at__lte=ctx.now)
            .order_by("id")
            .values("id", "recipient_id", "kind", "object_key", "period", "title", "body", "url")[: ctx.cfg["batch_size"]]
        )
        if not batch:
            return 0, []
        recipient_ids = {row["recipient_id"] for row in batch}
        prefs = {p.user_id: p for p in NotificationPreference.objects.filter(user_id__in=recipient_ids)}
        users = {
            u["id"]: u
            for u in User.objects.filter(id__in=recipient_ids).values(
                "id", "email", "is_active", "organization__webhook_url", "organization__webhook_secret"
            )
        }
        held: dict[datetime.datetime, list[int]] = {}
        send, notifications, deliveries = [], [], []
        for row in batch:
            pref = prefs.get(row["recipient_id"])
            if in_quiet_hours(pref, ctx.local_time):
                held.setdefault(quiet_release_at(ctx, pref), []).append(row["id"])
                continue
            send.append(row["id"])
            user = users.get(row["recipient_id"])
            if user is None or not user["is_active"]:
                continue
            kind = NotificationKind.NUDGE if row["kind"] == ReminderKind.NUDGE else NotificationKind.REMINDER
            notifications.append(
                Notification(recipient_id=row["recipient_id"], kind=kind, title=row["title"], body=row["body"], url=row["url"])
            )
            deliveries.append(
                ReminderDelivery(reminder_id=row["id"], channel=Channel.IN_APP, status=DeliveryStatus.SENT, attempts=1, sent_at=ctx.now)
            )
            wants_email = pref.email if pref else True
            if wants_email and user["email"]:
                deliveries.append(ReminderDelivery(reminder_id=row["id"], channel=Channel.EMAIL, target=user["email"]))
            webhook_url = (pref.webhook_url if pref and pref.webhook_url else "") or user["organization__webhook_url"]
            if pref and pref.webhook and webhook_url:
                deliveries.append(ReminderDelivery(reminder_id=row["id"], channel=Channel.WEBHOOK, target=webhook_url))
        for release_at, ids in held.items():
            Reminder.objects.filter(id__in=ids).update(due_at=release_at)
        result.postponed += sum(len(ids) for ids in held.values())
        Notification.objects.bulk_create(notifications)
        created = ReminderDelivery.objects.bulk_create(deliveries)
        Reminder.objects.filter(id__in=send).update(status=ReminderStatus.SENT, sent_at=ctx.now)
        result.delivered_in_app += len(notifications)
        to_send = [d.pk for d in created if d.channel != Channel.IN_APP]
        if to_send:
            ReminderDelivery.objects.filter(pk__in=to_send).update(enqueued_at=ctx.now)
        return len(batch), to_send


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


def _enqueue_deliveries(ctx: Context, ids: list[int]) -> int:
    from ..tasks import deliver_reminders

    size = ctx.cfg["delivery_task_batch"]
    queued = 0
    for start in range(0, len(ids), size):
        chunk = ids[start : start + size]
        if send_task_now(deliver_reminders, chunk):
            queued += len(chunk)
    return queued


def make_context(now: datetime.datetime | None = None) -> Context:
    now = now or timezone.now()
    local = timezone.localtime(now)
    return Context(now=now, today=local.date(), local_time=local.time(), cal=WorkCalendar.load(), cfg=config())


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
    for _round in range(1000):  # bounded: at most 1000 batches per sweep
        claimed, ids = _claim_and_deliver(ctx, result)
        to_send.extend(ids)
        if claimed < ctx.cfg["batch_size"]:
            break
    to_send.extend(_requeue_stale(ctx))
    result.queued = _enqueue_deliveries(ctx, sorted(set(to_send)))
    return result


# ---------------------------------------------------------------- channel delivery (Celery task body)
def _backoff(ctx_cfg: dict, attempts: int) -> datetime.timedelta:
    steps = ctx_cfg["backoff_minutes"]
    return datetime.timedelta(minutes=steps[min(attempts - 1, len(steps) - 1)])


def deliveries_send(*, delivery_ids: list[int], now: datetime.datetime | None = None) -> dict[str, int]:
    """Send each e-mail / webhook delivery once. The row stays locked while it is sent, so a
    second worker given the same id skips it, and a worker killed mid-send leaves it pending
    (its transaction dies with it) for the next sweep to queue again."""
    from ..channels import DeliveryError, send_email, send_webhook

    cfg = config()
    counts = {"sent": 0, "retry": 0, "failed": 0, "skipped": 0}
    for pk in delivery_ids:
        with transaction.atomic():
            delivery = (
                ReminderDelivery.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("reminder", "reminder__recipient", "reminder__recipient__organization")
                .filter(pk=pk, status__in=[DeliveryStatus.PENDING, DeliveryStatus.RETRY])
                .first()
            )
            current = now or timezone.now()
            if delivery is None or (
                delivery.status == DeliveryStatus.RETRY and delivery.next_attempt_at and delivery.next_attempt_at > current
            ):
                counts["skipped"] += 1
                continue
            reminder = delivery.reminder
            key = f"reminder-{reminder.pk}-{delivery.channel}"
            link = f"{settings.SITE_URL.rstrip('/')}{reminder.url}" if reminder.url else ""
            delivery.attempts += 1
            try:
                if delivery.channel == Channel.EMAIL:
                    send_email(to=delivery.target, subject=reminder.title, body=f"{reminder.body}\n\n{link}".strip(), key=key)
                elif delivery.channel == Channel.WEBHOOK:
                    recipient = reminder.recipient
                    pref = NotificationPreference.objects.filter(user=recipient).first()
                    secret = (pref.webhook_secret if pref and pref.webhook_url else "") or (
                        recipient.organization.webhook_secret if recipient.organization_id else ""
                    )
                    send_webhook(url=delivery.target, secret=secret, title=reminder.title, body=reminder.body, link=link, key=key)
                else:
                    counts["skipped"] += 1
                    continue
            except (DeliveryError, OSError) as exc:
                delivery.last_error = str(exc)[:1000]
                if delivery.attempts >= cfg["max_attempts"]:
                    delivery.status = DeliveryStatus.FAILED
                    counts["failed"] += 1
                else:
                    delivery.status = DeliveryStatus.RETRY
                    delivery.next_attempt_at = current + _backoff(cfg, delivery.attempts)
                    counts["retry"] += 1
            else:
                delivery.status = DeliveryStatus.SENT
                delivery.sent_at = timezone.now()
                delivery.last_error = ""
                counts["sent"] += 1
            delivery.save()
    return counts
