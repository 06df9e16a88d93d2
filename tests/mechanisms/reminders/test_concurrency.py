"""Exactly once under races, on PostgreSQL with real transactions: two sweeps at once (two beats
by mistake, or a sweep re-delivered while the first still runs), two workers handed the same
deliveries, a nudge pressed twice at the same moment."""

import datetime
import threading

import pytest
from django.core import mail
from django.db import connection

from mechanisms.models import Channel, Instruction, Notification, Reminder, ReminderDelivery, ReminderKind
from mechanisms.reminders.services import deliveries_send, nudge_send, reminder_sweep
from projects.models import Project
from tests.mechanisms.reminders_world import at, seed_calendar
from tests.mechanisms.requests_world import build_world


def race(n, func):
    """Run ``func(i)`` in ``n`` threads released together; re-raise the first error."""
    barrier = threading.Barrier(n)
    errors, results = [], [None] * n

    def run(i):
        try:
            barrier.wait(10)
            results[i] = func(i)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    if errors:
        raise errors[0]
    return results


@pytest.fixture
def world(org_tree, make_user):
    seed_calendar()
    w = build_world(org_tree, make_user)
    w.secretary.email = "sec@example.com"
    w.secretary.save()
    w.chief.email = "chief@example.com"
    w.chief.save()
    Project.objects.update(next_dispatch_on=datetime.date(2026, 11, 20), light="green", red_since=None)
    # Many overdue instructions, so each sweep has real work and the two overlap.
    Instruction.objects.bulk_create(
        Instruction(
            project=w.project, branch=w.branch, title=f"督办事项{i}", assignee_user=w.secretary,
            issued_on=datetime.date(2026, 11, 1), deadline=datetime.date(2026, 11, 20),
        )
        for i in range(60)
    )
    return w


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_record_and_deliver_each_reminder_once(world):
    now = at(2026, 11, 24, 9, 5)  # Tuesday: overdue instructions (secretary + chief), session overdue
    results = race(2, lambda i: reminder_sweep(now=now))
    reminders = Reminder.objects.all()
    expected = 60 * 2 + 1  # each instruction to the assignee and the 调度长; the overdue session
    assert reminders.filter(kind__in=[ReminderKind.INSTRUCTION_OVERDUE, ReminderKind.DISPATCH_OVERDUE]).count() == expected
    assert sum(r.total_created for r in results) == reminders.count()
    assert sum(r.delivered_in_app for r in results) == reminders.count()
    assert set(reminders.values_list("status", flat=True)) == {"sent"}
    # One notification per reminder, one in-app and one e-mail delivery per reminder.
    assert Notification.objects.filter(kind="reminder").count() == reminders.count()
    for channel in (Channel.IN_APP, Channel.EMAIL):
        assert ReminderDelivery.objects.filter(channel=channel).count() == reminders.count()
    # Each e-mail went out once (the deliveries ran eagerly in both threads' tasks).
    assert len(mail.outbox) == reminders.count()
    assert len({m.extra_headers["Message-ID"] for m in mail.outbox}) == reminders.count()
    # And again, four sweeps at once later the same day: nothing new.
    race(4, lambda i: reminder_sweep(now=at(2026, 11, 24, 9, 10)))
    assert Reminder.objects.count() == reminders.count() and len(mail.outbox) == reminders.count()


@pytest.mark.django_db(transaction=True)
def test_two_workers_given_the_same_deliveries_send_each_once(world, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from mechanisms.reminders import services as reminders

    original = reminders._enqueue_deliveries
    reminders._enqueue_deliveries = lambda cfg, ids: 0  # collect the deliveries, send them below
    try:
        reminder_sweep(now=at(2026, 11, 24, 9, 5))
    finally:
        reminders._enqueue_deliveries = original
    ids = list(ReminderDelivery.objects.exclude(channel=Channel.IN_APP).values_list("pk", flat=True))
    assert ids and not mail.outbox
    results = race(3, lambda i: deliveries_send(delivery_ids=ids if i % 2 else list(reversed(ids))))
    assert sum(r["sent"] for r in results) == len(ids)
    assert len(mail.outbox) == len(ids)


@pytest.mark.django_db(transaction=True)
def test_a_nudge_pressed_twice_at_once_is_sent_once(world):
    from mechanisms.reminders.services import NudgeTooSoon

    def press(i):
        try:
            return len(nudge_send(sender=world.chief, target="weekly", pk=world.branch.pk))
        except NudgeTooSoon:
            return 0

    assert sorted(race(3, press)) == [0, 0, 1]
    assert Reminder.objects.filter(kind=ReminderKind.NUDGE).count() == 1
    assert Notification.objects.filter(kind="nudge", recipient=world.secretary).count() == 1
