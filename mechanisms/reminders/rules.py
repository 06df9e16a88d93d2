"""The reminder rules that need no database: the settings (``DEFAULTS`` over
``settings.REMINDERS``), the sweep's clock and calendar (``Context``), which week's report is
due when, quiet hours, the nudge interval and the idempotency key of a delivery. The sweep
(services) and the pages (selectors) both read them."""

import datetime
import re
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext

from mechanisms.common.models import NotificationPreference
from mechanisms.common.workdays import WorkCalendar
from mechanisms.dispatch.models import InstructionStatus
from mechanisms.reminders.models import (
    Channel,
    Reminder,
    ReminderDelivery,
)
from mechanisms.weekly.rules import weekly_deadline_setting
from projects.models import WORKING_STATUSES

OPEN_PROJECT = WORKING_STATUSES  # projects.models: open and not suspended

# Celery task names (the beat schedule in config/settings names the sweep too); services
# enqueue by name, tasks register under these names.
REMINDER_SWEEP = "mechanisms.tasks.reminder_sweep"
DELIVER_REMINDERS = "mechanisms.tasks.deliver_reminders"


# The ball is in the assignee's court (DONE waits for the 调度长's verification instead).
OPEN_INSTRUCTION = [InstructionStatus.ISSUED, InstructionStatus.ACKNOWLEDGED, InstructionStatus.RETURNED]


TITLE_MAX = Reminder._meta.get_field("title").max_length


DEFAULTS = {
    # Daily reminders (dispatch due/overdue, instruction overdue, problems) go out from this time
    # on working days.
    "daily_time": datetime.time(9, 0),
    # The secretary hears of a missing weekly report at this time on the deadline day (or on the
    # last working day before it when the deadline day is a holiday).
    "weekly_report_time": datetime.time(9, 0),
    # The weekly digest to every 调度长: the first working day of the week at this time.
    "monday_digest_time": datetime.time(8, 30),
    # An instruction's deadline is a date; it falls due at this time of that day.
    "instruction_deadline_time": datetime.time(18, 0),
    "instruction_due_soon_hours": 24,
    # The 调度长 is told this many working days before a session falls due (and on the day).
    "dispatch_notice_workdays": 1,
    # A reported problem should be analysed within this many working days.
    "problem_analyse_workdays": 1,
    # A reminder held by quiet hours goes out at this time of the next working morning.
    "quiet_morning": datetime.time(8, 30),
    # A 调度长 may nudge the same person about the same thing once in this many hours.
    "nudge_interval_hours": 4,
    # E-mail / webhook: tries in all, and the wait before each retry (minutes; the sweep that
    # runs after the wait has passed sends it, so the real wait is rounded up to the sweep).
    "max_attempts": 5,
    "backoff_minutes": (5, 15, 60, 240),
    # Reminders claimed per transaction, deliveries per Celery task, seconds one task may spend
    # sending before it hands the rest to a new task (a slow robot must not hit the time limit).
    "batch_size": 5000,
    "delivery_task_batch": 100,
    "delivery_task_seconds": 120,
    # A delivery queued this long ago and still pending lost its task: queue it again.
    "requeue_after_minutes": 10,
    # Notifications whose e-mail could not be queued (broker down) are e-mailed by a later sweep
    # if they are at most this old.
    "notification_email_catchup_hours": 24,
    # Kinds (ReminderKind values) switched off, e.g. ("monday_digest",).
    "disabled": (),
}


def _as_time(value) -> datetime.time:
    if isinstance(value, datetime.time):
        return value
    hour, minute = (int(part) for part in str(value).split(":")[:2])
    return datetime.time(hour, minute)


def config() -> dict:
    """The rules' settings: ``DEFAULTS`` overridden by ``settings.REMINDERS`` (times may be given
    as "HH:MM" strings)."""
    cfg = {**DEFAULTS, **(getattr(settings, "REMINDERS", None) or {})}
    for key, value in list(cfg.items()):
        if key.endswith("_time") or key == "quiet_morning":
            cfg[key] = _as_time(value)
    cfg["disabled"] = frozenset(cfg["disabled"])
    return cfg


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

    def at(self, day: datetime.date, at_time: datetime.time) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(day, at_time))

    def enabled(self, kind: str) -> bool:
        return kind not in self.cfg["disabled"]

    def daily_window(self) -> bool:
        """A working day, at or after the daily reminders' time."""
        return self.is_working_day and self.local_time >= self.cfg["daily_time"]


def make_context(now: datetime.datetime | None = None) -> Context:
    now = now or timezone.now()
    local = timezone.localtime(now)
    return Context(now=now, today=local.date(), local_time=local.time(), cal=WorkCalendar.load(), cfg=config())


def _iso_week(day: datetime.date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


# ---------------------------------------------------------------- weekly reports
@dataclass(frozen=True)
class ReportWeek:
    monday: datetime.date
    deadline_day: datetime.date
    deadline: datetime.datetime

    @property
    def label(self) -> str:
        return _iso_week(self.monday)


def report_week(ctx: Context, monday: datetime.date) -> ReportWeek:
    weekday, deadline_time = weekly_deadline_setting()
    deadline_day = monday + datetime.timedelta(days=weekday)
    return ReportWeek(monday, deadline_day, ctx.at(deadline_day, deadline_time))


def last_report_week(ctx: Context) -> ReportWeek:
    """The most recent week whose weekly-report deadline has passed."""
    this = report_week(ctx, ctx.today - datetime.timedelta(days=ctx.today.weekday()))
    return this if ctx.now >= this.deadline else report_week(ctx, this.monday - datetime.timedelta(days=7))


def secretary_reminder_day(cal: WorkCalendar, week: ReportWeek) -> datetime.date | None:
    """The deadline day, or the last working day before it in the same week when it is a holiday
    (None when the week has no working day up to the deadline)."""
    day = week.deadline_day
    while day >= week.monday:
        if cal.is_working_day(day):
            return day
        day -= datetime.timedelta(days=1)
    return None


def digest_from(ctx: Context, week: ReportWeek) -> datetime.datetime:
    """The digest goes out at the deadline, or the next working morning if that is no working day."""
    if ctx.cal.is_working_day(week.deadline_day):
        return week.deadline
    return ctx.at(ctx.cal.next_working_day(week.deadline_day), ctx.cfg["daily_time"])


def first_working_day_of_week(cal: WorkCalendar, day: datetime.date) -> datetime.date | None:
    monday = day - datetime.timedelta(days=day.weekday())
    for offset in range(7):
        candidate = monday + datetime.timedelta(days=offset)
        if cal.is_working_day(candidate):
            return candidate
    return None


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


NUDGE_WEEKLY, NUDGE_INSTRUCTION = "weekly", "instruction"


def nudge_interval(cfg: dict | None = None) -> datetime.timedelta:
    return datetime.timedelta(hours=(cfg or config())["nudge_interval_hours"])


def idempotency_key(delivery: ReminderDelivery) -> str:
    """What a receiver may deduplicate on: the same for every try of one send, new for a resend."""
    key = f"reminder-{delivery.reminder_id}-{delivery.channel}"
    return f"{key}-resend-{delivery.resends}" if delivery.resends else key


# ---------------------------------------------------------------- a failed delivery, explained
_HTTP_STATUS = re.compile(r"\bHTTP(?: Error)? (\d{3})\b")
_SMTP_CODE = re.compile(r"\b([45]\d\d)\b")
_ROBOT_CODE = re.compile(r"errcode (-?\d+)")
_UNREACHABLE = ("refused", "name or service not known", "nodename nor servname", "no route to host",
                "network is unreachable", "temporary failure in name resolution", "getaddrinfo failed")


def delivery_error_explanation(channel: str, error: str) -> str:
    """What went wrong with a delivery, in the reader's language, and what to check.

    ``last_error`` holds what the mail server or the robot said ("HTTP Error 502: Bad Gateway",
    "SMTP 550 …", "<urlopen error timed out>"): accurate, but meaningless to the department
    staff who read the reminder log. The raw text stays on the reminder's page for whoever
    looks after the servers."""
    text = (error or "").strip()
    if not text:
        return ""
    lower = text.lower()
    if text == "no e-mail address":
        return gettext("The recipient has no e-mail address: add one to their account.")
    if text == "no webhook URL":
        return gettext("No group-robot address is set for the recipient or their unit.")
    if "timed out" in lower:
        return gettext("The server did not answer in time. It may be busy or out of reach from here.")
    if any(mark in lower for mark in _UNREACHABLE):
        return gettext("The server could not be reached: check the address and the network connection.")
    if channel == Channel.EMAIL:
        code = _SMTP_CODE.search(text)
        if code and code.group(1).startswith("5"):
            return gettext(
                "The mail server refused the message (SMTP %(code)s): the address may not exist or the "
                "mailbox may be full. Check the recipient’s e-mail address."
            ) % {"code": code.group(1)}
        if code:
            return gettext("The mail server was busy (SMTP %(code)s).") % {"code": code.group(1)}
        if "accepted nothing" in lower:
            return gettext("The mail server did not take the message.")
        return gettext("Sending failed. The technical detail is on the reminder’s page.")
    status = _HTTP_STATUS.search(text)
    if status and status.group(1).startswith("5"):
        return gettext("The group robot’s server had a fault (HTTP %(code)s).") % {"code": status.group(1)}
    if status and status.group(1) in {"401", "403", "404", "410"}:
        return gettext(
            "The group robot refused the address (HTTP %(code)s): it may be wrong, or the robot may "
            "have been removed from the group. Check the group-robot address."
        ) % {"code": status.group(1)}
    if status:
        return gettext("The group robot’s server answered with an error (HTTP %(code)s).") % {"code": status.group(1)}
    robot = _ROBOT_CODE.search(text)
    if robot:
        return gettext(
            "The group robot refused the message (error code %(code)s): check the robot’s security "
            "settings (keywords, signature or IP allow-list)."
        ) % {"code": robot.group(1)}
    return gettext("Sending failed. The technical detail is on the reminder’s page.")
