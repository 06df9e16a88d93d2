"""The reminder demo: after loading it, the next sweep (the demo clock is real) brings the demo
secretary a nudge and an instruction due within 24 hours, and staff see a log with history."""

import pytest

from branches import demo as branches_demo
from mechanisms.demo import reminders as reminders_demo
from mechanisms.models import DeliveryStatus, Notification, Reminder, ReminderDelivery, ReminderKind
from mechanisms.reminders.services import reminder_sweep
from projects import demo as projects_demo
from tests.clock import clock_today


@pytest.mark.django_db
def test_the_demo_makes_reminders_arrive_at_the_next_sweep_and_loads_once(demo_base):
    # demo_base: the session's branches and projects (tests/demo_data.py); seeding them again
    # below adds nothing and takes a moment.
    today = clock_today()
    branches_demo.seed_demo(today=today)
    projects_demo.seed_demo(today=today)
    counts = reminders_demo.seed_demo(today=today)
    assert counts["即将到期的督办事项"] == 1 and counts["待发送的催办"] == 1 and counts["历史提醒记录"] == 2
    reminder_sweep()
    notes = Notification.objects.filter(recipient__username="shuji")
    assert notes.filter(kind="nudge", title__contains="刘建国催办").count() == 1
    assert Reminder.objects.filter(recipient__username="shuji", kind=ReminderKind.INSTRUCTION_DUE_SOON, status="sent").exists()
    assert notes.filter(kind="reminder", title__contains="核对剩余12户补偿协议").count() == 1
    assert ReminderDelivery.objects.filter(status=DeliveryStatus.FAILED).count() == 2
    # Loaded again: nothing doubles.
    again = reminders_demo.seed_demo(today=today)
    assert again["待发送的催办"] == 0 and again["历史提醒记录"] == 0
    assert Reminder.objects.filter(kind=ReminderKind.NUDGE).count() == 1
