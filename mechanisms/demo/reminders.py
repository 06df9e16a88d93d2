"""Demo data of the reminders (``seed_demo``): things that fall due within minutes of ``make run``.

The demo clock is real: the worker started by ``make run`` sweeps every few minutes, so what is
seeded here reaches the bells of the demo 调度长 (diaoduzhang) and secretary (shuji) soon after
the server starts —

- an instruction to the secretary due within 24 hours (its deadline is moved up to stay due soon
  each time the demo is loaded, while it is open);
- a 催办 from the 调度长 to the secretary about this week's report, waiting for the next sweep;
- red projects reach their 调度长 at the first sweep by themselves (the projects demo set them);

and gives the reminder log of the department staff (zuzhibu) a few days of history: delivered,
failed after five tries, a nudge. Safe to run again: every row is keyed as the sweep keys it.
"""

import datetime

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from branches.demo_accounts import SHOWCASE_BRANCH
from mechanisms.common.models import NotificationPreference
from mechanisms.dispatch.models import Instruction
from mechanisms.dispatch.services import instruction_issue
from mechanisms.reminders.models import (
    Channel,
    DeliveryStatus,
    Reminder,
    ReminderDelivery,
    ReminderKind,
    ReminderStatus,
)
from mechanisms.reminders.rules import config
from mechanisms.reminders.services import OPEN_INSTRUCTION
from projects.models import CLOSED_STATUSES, Project

DUE_SOON_TITLE = "核对剩余12户补偿协议并报送签约进度"


def _due_soon_deadline(now: datetime.datetime) -> datetime.date:
    """The deadline whose due moment (settings: 18:00) is less than 24 hours away."""
    local = timezone.localtime(now)
    due_time = config()["instruction_deadline_time"]
    return local.date() if local.time() < due_time else local.date() + datetime.timedelta(days=1)


def _history(*, recipient, kind, object_key, period, title, body, url, when, sender=None, channels=()) -> int:
    reminder, created = Reminder.objects.get_or_create(
        recipient=recipient, kind=kind, object_key=object_key, period=period,
        defaults={"title": title, "body": body, "url": url, "due_at": when, "status": ReminderStatus.SENT,
                  "sent_at": when, "sender": sender},
    )
    if not created:
        return 0
    Reminder.objects.filter(pk=reminder.pk).update(created_at=when)
    for channel, status, attempts, target, error in channels:
        ReminderDelivery.objects.create(
            reminder=reminder, channel=channel, status=status, attempts=attempts, target=target, last_error=error,
            sent_at=when if status == DeliveryStatus.SENT else None, enqueued_at=when,
        )
    return 1


def seed_demo(*, today: datetime.date | None = None) -> dict[str, int]:
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__in=["diaoduzhang", "shuji", "lianluoyuan"])}
    chief, secretary = users.get("diaoduzhang"), users.get("shuji")
    project = (
        Project.objects.filter(dispatch_chief=chief, branch__name=SHOWCASE_BRANCH).exclude(status__in=CLOSED_STATUSES).first()
        if chief
        else None
    )
    if chief is None or secretary is None or project is None:
        return {}
    now = timezone.now()
    today = today or timezone.localdate()
    counts = {"即将到期的督办事项": 0, "待发送的催办": 0, "历史提醒记录": 0, "提醒设置": 0}

    # An instruction to the secretary, due within 24 hours.
    deadline = _due_soon_deadline(now)
    instruction = Instruction.objects.filter(project=project, title=DUE_SOON_TITLE).first()
    if instruction is None:

        instruction_issue(
            project=project, by=chief, title=DUE_SOON_TITLE, deadline=deadline, assignee_user=secretary,
            content="逐户核对补偿协议金额与面积，明日18:00前报送签约进度表。", today=today,
        )
        counts["即将到期的督办事项"] = 1
    elif instruction.status in OPEN_INSTRUCTION and instruction.deadline != deadline:
        Instruction.objects.filter(pk=instruction.pk).update(deadline=deadline, issued_on=min(instruction.issued_on, deadline))
        counts["即将到期的督办事项"] = 1

    # A nudge waiting for the next sweep (delivered to the secretary's bell within minutes).
    secretary_url = reverse("mechanisms:secretary_home")
    year, week, _ = today.isocalendar()
    _nudge, created = Reminder.objects.get_or_create(
        recipient=secretary, kind=ReminderKind.NUDGE, object_key=f"branch:{project.branch_id}",
        period=f"{chief.pk}@demo-{year}-W{week:02d}",
        defaults={
            "title": f"刘建国催办：请按时提交{project.branch.name}本周周报",
            "body": "本周征迁签约进度请于周五17:00前在系统中报送，遇到的堵点一并写明。",
            "url": secretary_url, "due_at": now, "sender": chief,
        },
    )
    counts["待发送的催办"] = int(created)

    # A few days of history for the reminder log.
    two_days_ago = now - datetime.timedelta(days=2, hours=3)
    url = f"/projects/{project.pk}/"
    counts["历史提醒记录"] += _history(
        recipient=chief, kind=ReminderKind.DISPATCH_OVERDUE, object_key=f"project:{project.pk}",
        period=f"demo-{(today - datetime.timedelta(days=2)).isoformat()}",
        title=f"调度会逾期：{project.name}", body="本项目按调度频次应召开的调度会已逾期，请尽快召开并记录。", url=url,
        when=two_days_ago,
        channels=[
            (Channel.IN_APP, DeliveryStatus.SENT, 1, "", ""),
            (Channel.EMAIL, DeliveryStatus.SENT, 1, chief.email or "liujianguo@jingjiang.example", ""),
            (Channel.WEBHOOK, DeliveryStatus.FAILED, 5, "https://oapi.dingtalk.example/robot/send?access_token=demo",
             "HTTP Error 502: Bad Gateway"),
        ],
    )
    counts["历史提醒记录"] += _history(
        recipient=secretary, kind=ReminderKind.WEEKLY_REPORT_DUE, object_key=f"branch:{project.branch_id}",
        period=f"demo-{year}-W{week - 1:02d}" if week > 1 else f"demo-{year - 1}-W52",
        title=f"周报今日截止：{project.branch.name}", body="本周周报今日17:00截止，尚未提交。",
        url=secretary_url, when=now - datetime.timedelta(days=7),
        channels=[
            (Channel.IN_APP, DeliveryStatus.SENT, 1, "", ""),
            (Channel.EMAIL, DeliveryStatus.FAILED, 5, "zhangweidong@jtj.example", "SMTP 550 mailbox unavailable"),
        ],
    )
    # Quiet hours for the liaison: reminders after 22:00 wait for the next working morning.
    liaison = users.get("lianluoyuan")
    if liaison is None:
        return counts
    _pref, created = NotificationPreference.objects.get_or_create(
        user=liaison, defaults={"email": True, "quiet_start": datetime.time(22, 0), "quiet_end": datetime.time(7, 0)}
    )
    counts["提醒设置"] = int(created)
    return counts
