"""The reminder sweep: rules at their boundaries, idempotency, delivery (in-app in the sweep)."""

import datetime
import zoneinfo

import pytest
from django.core import mail

from mechanisms.models import (
    Channel,
    DeliveryStatus,
    Instruction,
    Notification,
    NotificationPreference,
    Reminder,
    ReminderDelivery,
    ReminderKind,
)
from mechanisms.reminders.services import deliveries_send, reminder_sweep
from tests.clock import clock_today
from tests.mechanisms.requests_world import build_world

SH = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(y, m, d, hh=10, mm=0):
    return datetime.datetime(y, m, d, hh, mm, tzinfo=SH)


@pytest.fixture
def world(org_tree, make_user):
    return build_world(org_tree, make_user)


def make_instruction(world, *, deadline, issued_on=None, user=None):
    return Instruction.objects.create(
        project=world.project,
        branch=world.branch,
        title="完成剩余12户签约",
        assignee_user=user or world.secretary,
        issued_on=issued_on or deadline - datetime.timedelta(days=10),
        deadline=deadline,
    )


@pytest.mark.django_db
def test_overdue_instruction_reaches_assignee_and_dispatch_chief_once_per_day(world):
    world.secretary.email = "sec@example.com"
    world.secretary.save()
    make_instruction(world, deadline=datetime.date(2026, 11, 20))
    result = reminder_sweep(now=at(2026, 11, 24, 9, 5))  # a Tuesday after 09:00
    assert result.created[ReminderKind.INSTRUCTION_OVERDUE] == 2
    recipients = set(Reminder.objects.filter(kind=ReminderKind.INSTRUCTION_OVERDUE).values_list("recipient__username", flat=True))
    assert recipients == {"secretary", "chief"}
    assert Notification.objects.filter(recipient=world.secretary, title__contains="完成剩余12户签约").count() == 1
    # The same sweep again, and again later the same day: nothing new.
    reminder_sweep(now=at(2026, 11, 24, 9, 10))
    reminder_sweep(now=at(2026, 11, 24, 15, 0))
    assert Reminder.objects.filter(kind=ReminderKind.INSTRUCTION_OVERDUE).count() == 2
    assert Notification.objects.filter(recipient=world.secretary, title__contains="完成剩余12户签约").count() == 1
    # The next working day: told again.
    reminder_sweep(now=at(2026, 11, 25, 9, 0))
    assert Reminder.objects.filter(kind=ReminderKind.INSTRUCTION_OVERDUE).count() == 4
    # Tasks run eagerly in unit tests: the e-mails went out with the sweeps, one per day.
    email = ReminderDelivery.objects.filter(channel=Channel.EMAIL)
    assert email.count() == 2 and set(email.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    assert len(mail.outbox) == 2 and mail.outbox[0].to == ["sec@example.com"]
    # A delivery handed out twice (a re-delivered task) is sent once.
    assert deliveries_send(delivery_ids=list(email.values_list("pk", flat=True))) == {
        "sent": 0, "retry": 0, "failed": 0, "skipped": 2, "deferred": 0
    }
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_overdue_rule_waits_for_nine_and_for_a_working_day(world):
    make_instruction(world, deadline=datetime.date(2026, 11, 20))
    assert reminder_sweep(now=at(2026, 11, 24, 8, 55)).created.get(ReminderKind.INSTRUCTION_OVERDUE, 0) == 0
    assert reminder_sweep(now=at(2026, 11, 28, 10, 0)).created.get(ReminderKind.INSTRUCTION_OVERDUE, 0) == 0  # Saturday


@pytest.mark.django_db
def test_instruction_due_within_24_hours(world):
    make_instruction(world, deadline=datetime.date(2026, 11, 26))  # due Thu 18:00
    assert reminder_sweep(now=at(2026, 11, 25, 17, 55)).created.get(ReminderKind.INSTRUCTION_DUE_SOON, 0) == 0
    assert reminder_sweep(now=at(2026, 11, 25, 18, 0)).created[ReminderKind.INSTRUCTION_DUE_SOON] == 1
    assert reminder_sweep(now=at(2026, 11, 26, 9, 0)).created[ReminderKind.INSTRUCTION_DUE_SOON] == 0


@pytest.mark.django_db
def test_quiet_hours_hold_a_reminder_until_the_next_working_morning(world):
    NotificationPreference.objects.create(user=world.chief, quiet_start=datetime.time(21, 0), quiet_end=datetime.time(7, 30))
    world.project.light = "red"
    world.project.red_since = datetime.date(2026, 11, 27)
    world.project.save()
    reminder_sweep(now=at(2026, 11, 27, 22, 0))  # Friday night
    reminder = Reminder.objects.get(kind=ReminderKind.PROJECT_RED)
    assert reminder.status == "pending"
    assert reminder.due_at == at(2026, 11, 30, 8, 30)  # Monday morning
    assert not Notification.objects.filter(recipient=world.chief, kind="reminder").exists()
    reminder_sweep(now=at(2026, 11, 30, 8, 30))
    reminder.refresh_from_db()
    assert reminder.status == "sent"
    assert Notification.objects.filter(recipient=world.chief, title=reminder.title).count() == 1


@pytest.mark.django_db
def test_the_sweep_task_escalates_an_overdue_problem_to_the_dispatch_chief_once(world):
    from mechanisms.models import ProblemCase, ProblemStatus
    from mechanisms.reminders.tasks import reminder_sweep as sweep_task

    problem = ProblemCase.objects.create(
        branch=world.branch,
        project=world.project,
        title="征迁安置房交付延期",
        description="安置房交付比计划晚两周",
        category="difficulty",
        status=ProblemStatus.ACCEPTED,
        responsible_unit=world.department_a,
        deadline=clock_today() - datetime.timedelta(days=3),
        created_by=world.staff,
    )
    first = sweep_task.apply().get()
    second = sweep_task.apply().get()
    problem.refresh_from_db()
    assert first["escalated"] == 1 and second["escalated"] == 0
    assert problem.escalated_at is not None
    assert Notification.objects.filter(recipient=world.chief, kind="escalated", title__contains="征迁安置房交付延期").count() == 1
